/*
 * Rules for the team's own test programs in tests/samples/ (they imitate documented bot behaviour with
 * TEST-NET addresses only). Written on strings those programs contain; see tests/samples/*.c.
 */

rule kansoku_test_syn_scanner
{
    meta:
        description = "kansoku test sample: Mirai-like raw SYN scanner of 203.0.113.0/24 ports 23/2323"
        reference = "tests/samples/syn_scanner.c"
    strings:
        $start = "scan: start target=203.0.113.0/24 ports=23,2323"
        $raw = "raw socket: opened with IP_HDRINCL"
        $probe = "probe: %s:%u seq=0x%08x sport=%u"
    condition:
        2 of them
}

rule kansoku_test_c2_beacon
{
    meta:
        description = "kansoku test sample: C2 beacon resolving through a hard-coded resolver (192.0.2.53)"
        reference = "tests/samples/c2_beacon.c"
    strings:
        $domain = "cnc.example.test"
        $dns = "sent to hard-coded resolver"
        $hello = "c2: hello 00000001 id="
        $fallback = "c2: no DNS answer, using fallback"
    condition:
        2 of them
}

rule kansoku_test_daemon_renamer
{
    meta:
        description = "kansoku test sample: daemon that renames itself and deletes its own file"
        reference = "tests/samples/daemon_renamer.c"
    strings:
        $exe = "/proc/self/exe"
        $unlink = "self-delete: unlink"
        $prctl = "rename: prctl(PR_SET_NAME"
        $argv = "rename: argv[0] overwritten"
    condition:
        $exe and 2 of ($unlink, $prctl, $argv)
}

rule kansoku_test_killer
{
    meta:
        description = "kansoku test sample: process killer walking /proc (Mirai killer.c style)"
        reference = "tests/samples/killer.c"
    strings:
        $cmdline = "/proc/%ld/cmdline"
        $exe = "/proc/%ld/exe"
        $kill = "kill: pid %ld comm="
        $done = "scan: done scans=%u killed=%u"
    condition:
        $kill and 1 of ($cmdline, $exe, $done)
}

rule kansoku_test_udp_flooder
{
    meta:
        description = "kansoku test sample: rate-limited UDP flooder (Mirai attack_udp_plain style)"
        reference = "tests/samples/udp_flooder.c"
    strings:
        $start = "flood: start victim="
        $done = "flood: done sent=%lu"
        $name = "udpplain"
    condition:
        $start or ($done and $name)
}
