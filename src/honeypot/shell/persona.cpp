#include "honeypot/shell/persona.h"

#include <algorithm>
#include <array>
#include <set>

#include <toml++/toml.h>

#include "common/byte_reader.h"
#include "common/file_reader.h"

namespace kansoku::honeypot::shell {
namespace {

constexpr size_t kMaxPersonaFileBytes = 1 << 20;

bool isExecutableDir(std::string_view path) {
    for (const std::string_view dir : {"/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/"}) {
        if (path.substr(0, dir.size()) == dir) {
            return true;
        }
    }
    return false;
}

/// "/a/b/" -> "/a/b"; checks the path is absolute, without empty, "." or ".." components.
Result<std::string> checkPath(std::string_view path, std::string_view origin) {
    if (path.empty() || path.front() != '/') {
        return fail("{}: path '{}' must be absolute", origin, path);
    }
    std::string out;
    size_t i = 1;
    while (i <= path.size()) {
        const size_t end = std::min(path.find('/', i), path.size());
        const std::string_view part = path.substr(i, end - i);
        if (part == "." || part == ".." || (part.empty() && end < path.size())) {
            return fail("{}: path '{}' must be normalised", origin, path);
        }
        if (!part.empty()) {
            out += '/';
            out += part;
        }
        i = end + 1;
    }
    return out.empty() ? std::string("/") : out;
}

void addDirectories(Persona& p, const std::string& path) {
    // Every ancestor of path (and path itself) becomes a directory.
    for (size_t pos = 0; pos != std::string::npos; pos = path.find('/', pos + 1)) {
        const std::string dir = pos == 0 ? std::string("/") : path.substr(0, pos);
        p.files.try_emplace(dir, PersonaNode{true, dir == "/tmp" ? 01777U : 0755U, {}});
    }
    p.files.try_emplace(path, PersonaNode{true, path == "/tmp" ? 01777U : 0755U, {}});
}

void addFile(Persona& p, const std::string& path, std::string content) {
    addDirectories(p, path.substr(0, std::max<size_t>(path.rfind('/'), 1)));
    p.files[path] = PersonaNode{false, isExecutableDir(path) ? 0755U : 0644U, std::move(content)};
}

Result<std::string> decodeHex(std::string_view text, std::string_view origin) {
    std::string out;
    int high = -1;
    for (const char c : text) {
        int value = -1;
        if (c >= '0' && c <= '9') {
            value = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            value = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            value = c - 'A' + 10;
        } else if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            continue;
        } else {
            return fail("{}: busybox.elf_header has a non-hex character '{}'", origin, c);
        }
        if (high < 0) {
            high = value;
        } else {
            out += static_cast<char>(high * 16 + value);
            high = -1;
        }
    }
    if (high >= 0) {
        return fail("{}: busybox.elf_header has an odd number of hex digits", origin);
    }
    return out;
}

/// Checks the bytes are an ELF header whose class, byte order and e_machine fit the persona's CPU.
Result<void> checkElf(const std::string& elf, const UnameInfo& uname, std::string_view origin) {
    if (elf.size() < 20 || elf.compare(0, 4,
                                       "\x7f"
                                       "ELF") != 0) {
        return fail("{}: busybox.elf_header must start with an ELF header (7f 45 4c 46 ...)", origin);
    }
    const auto byte = [&](size_t i) { return static_cast<uint8_t>(elf[i]); };
    const uint8_t elf_class = byte(4);
    const uint8_t data = byte(5);
    if ((elf_class != 1 && elf_class != 2) || (data != 1 && data != 2)) {
        return fail("{}: busybox.elf_header has a bad EI_CLASS/EI_DATA ({}/{})", origin, elf_class, data);
    }
    const size_t header_size = elf_class == 1 ? 52 : 64;
    if (elf.size() < header_size) {
        return fail("{}: busybox.elf_header has {} bytes, an ELF{} header needs {}", origin, elf.size(),
                    elf_class == 1 ? 32 : 64, header_size);
    }
    const auto* header = reinterpret_cast<const uint8_t*>(elf.data());
    const uint16_t machine = data == 1 ? loadU16LE(header + 18) : loadU16BE(header + 18);
    const uint16_t expected = elfMachineFor(uname.machine);
    if (expected != 0 && machine != expected) {
        return fail("{}: busybox.elf_header e_machine {} does not match uname.machine '{}' (e_machine {})", origin,
                    machine, uname.machine, expected);
    }
    const bool little = uname.machine == "mipsel" || uname.machine.rfind("arm", 0) == 0 || uname.machine == "x86_64" ||
                        uname.machine == "i686" || uname.machine == "i386";
    const bool big = uname.machine == "mips" || uname.machine == "ppc" || uname.machine == "sparc";
    if ((little && data != 1) || (big && data != 2)) {
        return fail("{}: busybox.elf_header byte order does not match uname.machine '{}'", origin, uname.machine);
    }
    return {};
}

class Reader {
public:
    Reader(const toml::table& table, std::string prefix, std::string_view origin)
        : table_(table), prefix_(std::move(prefix)), origin_(origin) {}

    Result<void> string(std::string_view key, std::string& out, bool required) {
        seen_.insert(std::string(key));
        const toml::node* node = table_.get(key);
        if (node == nullptr) {
            if (required) {
                return fail("{}: {}{} is missing", origin_, prefix_, key);
            }
            return {};
        }
        if (!node->is_string()) {
            return fail("{}: {}{} must be a string", origin_, prefix_, key);
        }
        out = *node->value<std::string>();
        return {};
    }

    Result<void> strings(std::string_view key, std::vector<std::string>& out) {
        seen_.insert(std::string(key));
        const toml::node* node = table_.get(key);
        if (node == nullptr) {
            return {};
        }
        const toml::array* array = node->as_array();
        if (array == nullptr) {
            return fail("{}: {}{} must be an array of strings", origin_, prefix_, key);
        }
        for (const auto& element : *array) {
            if (!element.is_string()) {
                return fail("{}: {}{} must be an array of strings", origin_, prefix_, key);
            }
            out.push_back(*element.value<std::string>());
        }
        return {};
    }

    Result<const toml::table*> table(std::string_view key) {
        seen_.insert(std::string(key));
        const toml::node* node = table_.get(key);
        if (node == nullptr || !node->is_table()) {
            return fail("{}: [{}{}] is missing or not a table", origin_, prefix_, key);
        }
        return node->as_table();
    }

    Result<void> noUnknownKeys() const {
        for (const auto& [key, node] : table_) {
            if (seen_.count(std::string(key.str())) == 0) {
                return fail("{}: unknown key {}{}", origin_, prefix_, key.str());
            }
        }
        return {};
    }

private:
    const toml::table& table_;
    std::string prefix_;
    std::string_view origin_;
    std::set<std::string> seen_;
};

Result<Persona> parseTable(const toml::table& root, std::string_view origin) {
    Persona p;
    Reader top(root, "", origin);
    KANSOKU_TRY(top.string("name", p.name, true));
    KANSOKU_TRY(top.string("hostname", p.hostname, true));
    KANSOKU_TRY(top.string("user", p.user, false));
    KANSOKU_TRY(top.string("home", p.home, false));
    KANSOKU_TRY(top.string("shell_name", p.shell_name, false));
    KANSOKU_TRY(top.string("prompt", p.prompt, false));
    KANSOKU_TRY(top.string("ps", p.ps, false));
    std::vector<std::string> directories;
    KANSOKU_TRY(top.strings("directories", directories));

    auto uname_table = top.table("uname");
    KANSOKU_TRY(uname_table);
    Reader uname(**uname_table, "uname.", origin);
    KANSOKU_TRY(uname.string("sysname", p.uname.sysname, false));
    KANSOKU_TRY(uname.string("release", p.uname.release, true));
    KANSOKU_TRY(uname.string("version", p.uname.version, true));
    KANSOKU_TRY(uname.string("machine", p.uname.machine, true));
    KANSOKU_TRY(uname.string("os", p.uname.os, false));
    KANSOKU_TRY(uname.noUnknownKeys());

    auto busybox_table = top.table("busybox");
    KANSOKU_TRY(busybox_table);
    Reader busybox(**busybox_table, "busybox.", origin);
    std::string elf_hex;
    KANSOKU_TRY(busybox.string("banner", p.busybox_banner, true));
    KANSOKU_TRY(busybox.string("help", p.busybox_help, false));
    KANSOKU_TRY(busybox.strings("applets", p.applets));
    KANSOKU_TRY(busybox.string("elf_header", elf_hex, true));
    KANSOKU_TRY(busybox.noUnknownKeys());
    if (p.applets.empty()) {
        return fail("{}: busybox.applets must list the applets", origin);
    }
    std::sort(p.applets.begin(), p.applets.end());
    p.applets.erase(std::unique(p.applets.begin(), p.applets.end()), p.applets.end());
    auto elf = decodeHex(elf_hex, origin);
    KANSOKU_TRY(elf);
    p.busybox_elf = std::move(*elf);
    KANSOKU_TRY(checkElf(p.busybox_elf, p.uname, origin));

    addDirectories(p, "/");
    for (const std::string& dir : directories) {
        auto path = checkPath(dir, origin);
        KANSOKU_TRY(path);
        addDirectories(p, *path);
    }
    addDirectories(p, p.home);
    // Applets are links to /bin/busybox: reading one gives the same ELF bytes (Mirai's loader reads
    // /bin/echo's header to learn the CPU).
    for (const std::string& applet : p.applets) {
        if (applet.find('/') == std::string::npos && applet != "." && applet != "..") {
            addFile(p, "/bin/" + applet, p.busybox_elf);
        }
    }
    addFile(p, "/bin/busybox", p.busybox_elf);

    auto files_table = top.table("files");
    KANSOKU_TRY(files_table);
    for (const auto& [key, node] : **files_table) {
        auto path = checkPath(key.str(), origin);
        KANSOKU_TRY(path);
        if (!node.is_string()) {
            return fail("{}: files.\"{}\" must be a string", origin, key.str());
        }
        addFile(p, *path, *node.value<std::string>());
    }
    KANSOKU_TRY(top.noUnknownKeys());
    return p;
}

} // namespace

bool Persona::hasApplet(std::string_view applet) const {
    return std::binary_search(applets.begin(), applets.end(), applet, std::less<>());
}

Result<Persona> Persona::parse(std::string_view toml_text, std::string_view origin) {
    try {
        const toml::table root = toml::parse(toml_text, origin);
        return parseTable(root, origin);
    } catch (const toml::parse_error& e) {
        return fail("{}:{}:{}: {}", origin, e.source().begin.line, e.source().begin.column, e.description());
    }
}

Result<Persona> Persona::load(const std::string& path) {
    auto text = readFileBounded(path, kMaxPersonaFileBytes);
    if (!text) {
        return fail("persona {}", text.error().message);
    }
    return parse(*text, "persona " + path);
}

uint16_t elfMachineFor(std::string_view machine) {
    if (machine == "mips" || machine == "mipsel" || machine == "mips64") {
        return 8; // EM_MIPS
    }
    if (machine.rfind("arm", 0) == 0) {
        return 40; // EM_ARM
    }
    if (machine == "aarch64") {
        return 183; // EM_AARCH64
    }
    if (machine == "x86_64") {
        return 62; // EM_X86_64
    }
    if (machine == "i386" || machine == "i486" || machine == "i586" || machine == "i686") {
        return 3; // EM_386
    }
    if (machine == "ppc") {
        return 20; // EM_PPC
    }
    if (machine == "sh4") {
        return 42; // EM_SH
    }
    return 0;
}

bool Persona::hasProcess(int pid) const {
    const std::string wanted = std::to_string(pid);
    size_t start = 0;
    while (start < ps.size()) {
        const size_t end = std::min(ps.find('\n', start), ps.size());
        std::string_view line = std::string_view(ps).substr(start, end - start);
        const size_t first = line.find_first_not_of(' ');
        if (first != std::string_view::npos && line.substr(first, wanted.size()) == wanted &&
            (first + wanted.size() == line.size() || line[first + wanted.size()] == ' ')) {
            return true;
        }
        start = end + 1;
    }
    return false;
}

} // namespace kansoku::honeypot::shell
