/*
 * Mirai and close derivatives: traits from the public source (jgamblin/Mirai-Source-Code, 2016) and
 * writeups. The bot hides its strings XOR'd with the table key 0xdeadbeef, which folds to a single byte
 * 0x22 (bot/table.c table_unlock_val); credentials in bot/scanner.c are stored the same way.
 */

rule mirai_watchdog_and_proc
{
    meta:
        description = "Mirai-like: disables the hardware watchdog and walks /proc to kill rivals"
        reference = "https://www.usenix.org/conference/usenixsecurity17/technical-sessions/presentation/antonakakis"
    strings:
        $wd1 = "/dev/watchdog"
        $wd2 = "/dev/misc/watchdog"
        $proc_exe = /\/proc\/%[a-z]{1,2}\/exe/
        $proc_cmd = /\/proc\/%[a-z]{1,2}\/cmdline/
    condition:
        uint32(0) == 0x464c457f and 1 of ($wd*) and 1 of ($proc*)
}

rule mirai_table_xor22
{
    meta:
        description = "Mirai table/credential strings obfuscated with XOR 0x22"
        reference = "https://github.com/jgamblin/Mirai-Source-Code/blob/master/mirai/bot/table.c"
    strings:
        // "/dev/watchdog", "xc3511", "vizxv", "xmhdipc", "juantech" each XOR 0x22
        $watchdog = { 0D 46 47 54 0D 55 43 56 41 4A 46 4D 45 }
        $xc3511 = { 5A 41 11 17 13 13 }
        $vizxv = { 54 4B 58 5A 54 }
        $xmhdipc = { 5A 4F 4A 46 4B 52 41 }
        $juantech = { 48 57 43 4C 56 47 41 4A }
    condition:
        2 of them
}

rule mirai_busybox_marker
{
    meta:
        description = "Mirai loader/bot busybox marker command (ECCHI-style applet check)"
        reference = "https://github.com/jgamblin/Mirai-Source-Code/blob/master/loader/src/headers/config.h"
    strings:
        $ecchi = "/bin/busybox ECCHI"
        $mirai = "/bin/busybox MIRAI"
        $generic = /\/bin\/busybox [A-Z]{4,8}\b/
    condition:
        $ecchi or $mirai or (#generic >= 2)
}
