/*
 * UPX-packed ELF (UPX source: src/stub/src/include/linux.h l_info/p_info, src/packhead.cpp). The magic
 * "UPX!" is often overwritten by IoT bots; the triage's structural check reports that case, this rule only
 * sees the intact magic and the section names.
 */

rule upx_packed_elf
{
    meta:
        description = "ELF packed with UPX (intact magic or UPX section names)"
        reference = "https://upx.github.io/"
    strings:
        $magic = "UPX!"
        $info = "$Info: This file is packed with the UPX executable packer"
        $sec0 = "UPX0"
        $sec1 = "UPX1"
    condition:
        uint32(0) == 0x464c457f and ($info or ($magic in (0..4096)) or ($magic in (filesize - 4096..filesize)) or
                                     ($sec0 and $sec1))
}
