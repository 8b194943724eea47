# The pack of a build without the dashboard: the magic line and no files (see pack.mjs).
file(WRITE ${PACK} "KSUI1\n")
file(WRITE ${HEADER} "// written by ui/empty_pack.cmake: no dashboard in this build\n#define KANSOKU_DASHBOARD_PACK_SHA256 \"none\"\n")
