/*
 * Gafgyt / BASHLITE / Qbot: plain-text IRC-like C2 command words from the leaked source and writeups.
 */

rule gafgyt_commands
{
    meta:
        description = "Gafgyt/BASHLITE command strings"
        reference = "https://unit42.paloaltonetworks.com/unit42-new-iotlinux-malware-targets-dvrs-forms-botnet/"
    strings:
        $ping = "PING" fullword
        $pong = "PONG" fullword
        $localip = "GETLOCALIP" fullword
        $scan_on = "SCANNER ON" fullword
        $scan_off = "SCANNER OFF" fullword
        $killattk = "KILLATTK" fullword
        $lolnogtfo = "LOLNOGTFO" fullword
        $udp = "UDP" fullword
        $std = "STD" fullword
    condition:
        $localip or $killattk or $lolnogtfo or (($scan_on or $scan_off) and 2 of ($ping, $pong, $udp, $std))
}
