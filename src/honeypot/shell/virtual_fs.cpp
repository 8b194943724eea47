#include "honeypot/shell/virtual_fs.h"

#include <algorithm>
#include <set>

namespace kansoku::honeypot::shell {
namespace {

std::string_view parentOf(std::string_view path) {
    const size_t slash = path.rfind('/');
    return slash == 0 || slash == std::string_view::npos ? std::string_view("/") : path.substr(0, slash);
}

bool isBelow(std::string_view path, std::string_view dir) {
    if (dir == "/") {
        return path.size() > 1;
    }
    return path.size() > dir.size() && path.substr(0, dir.size()) == dir && path[dir.size()] == '/';
}

} // namespace

std::string_view fsStatusText(FsStatus status) {
    switch (status) {
    case FsStatus::Ok:
        return "Success";
    case FsStatus::NotFound:
        return "No such file or directory";
    case FsStatus::NotDirectory:
        return "Not a directory";
    case FsStatus::IsDirectory:
        return "Is a directory";
    case FsStatus::Exists:
        return "File exists";
    case FsStatus::NotEmpty:
        return "Directory not empty";
    case FsStatus::PathTooLong:
        return "File name too long";
    case FsStatus::TooManyFiles:
    case FsStatus::FileTooLarge:
    case FsStatus::NoSpace:
        return "No space left on device";
    }
    return "I/O error";
}

bool isLimit(FsStatus status) {
    return status == FsStatus::PathTooLong || status == FsStatus::TooManyFiles || status == FsStatus::FileTooLarge ||
           status == FsStatus::NoSpace;
}

bool VirtualFs::Found::directory() const {
    return overlay != nullptr ? overlay->kind == Node::Kind::Directory : base != nullptr && base->directory;
}

VirtualFs::VirtualFs(std::shared_ptr<const Persona> persona, FsLimits limits)
    : persona_(std::move(persona)), limits_(limits) {}

std::optional<std::string> VirtualFs::resolve(std::string_view cwd, std::string_view path) const {
    std::vector<std::string_view> parts;
    const auto split = [&parts](std::string_view text) {
        size_t i = 0;
        while (i <= text.size()) {
            const size_t end = std::min(text.find('/', i), text.size());
            const std::string_view part = text.substr(i, end - i);
            if (part == "..") {
                if (!parts.empty()) {
                    parts.pop_back();
                }
            } else if (!part.empty() && part != ".") {
                parts.push_back(part);
            }
            i = end + 1;
        }
    };
    if (path.empty() || path.front() != '/') {
        split(cwd);
    }
    split(path);
    std::string out;
    for (const std::string_view part : parts) {
        if (out.size() + 1 + part.size() > limits_.max_path_length) {
            return std::nullopt;
        }
        out += '/';
        out += part;
    }
    return out.empty() ? std::string("/") : out;
}

VirtualFs::Found VirtualFs::find(std::string_view path) const {
    if (const auto it = overlay_.find(path); it != overlay_.end()) {
        return it->second.kind == Node::Kind::Deleted ? Found{} : Found{&it->second, nullptr};
    }
    for (std::string_view dir = path; dir != "/";) {
        dir = parentOf(dir);
        if (const auto it = overlay_.find(dir); it != overlay_.end()) {
            if (it->second.kind != Node::Kind::Directory || it->second.opaque) {
                return {};
            }
        }
    }
    if (const auto it = persona_->files.find(path); it != persona_->files.end()) {
        return Found{nullptr, &it->second};
    }
    return {};
}

std::optional<FsStat> VirtualFs::stat(std::string_view path) const {
    const Found found = find(path);
    if (!found.exists()) {
        return std::nullopt;
    }
    FsStat st;
    st.directory = found.directory();
    st.mode = found.overlay != nullptr ? found.overlay->mode : found.base->mode;
    st.size = found.overlay != nullptr ? found.overlay->content.size() : found.base->content.size();
    st.dropped = found.overlay != nullptr && persona_->files.count(path) == 0;
    return st;
}

std::optional<std::string_view> VirtualFs::read(std::string_view path) const {
    const Found found = find(path);
    if (!found.exists() || found.directory()) {
        return std::nullopt;
    }
    return found.overlay != nullptr ? std::string_view(found.overlay->content) : std::string_view(found.base->content);
}

FsStatus VirtualFs::checkParent(std::string_view path) const {
    const Found parent = find(parentOf(path));
    if (!parent.exists()) {
        return FsStatus::NotFound;
    }
    return parent.directory() ? FsStatus::Ok : FsStatus::NotDirectory;
}

FsStatus VirtualFs::putNode(const std::string& path, Node node) {
    const auto it = overlay_.find(path);
    const size_t old_bytes = it != overlay_.end() ? it->second.content.size() : 0;
    if (it == overlay_.end() && overlay_.size() >= limits_.max_entries) {
        return FsStatus::TooManyFiles;
    }
    if (overlay_bytes_ - old_bytes + node.content.size() > limits_.max_total_bytes) {
        return FsStatus::NoSpace;
    }
    overlay_bytes_ = overlay_bytes_ - old_bytes + node.content.size();
    overlay_[path] = std::move(node);
    return FsStatus::Ok;
}

FsStatus VirtualFs::write(std::string_view path, std::string_view data, bool append) {
    if (path.size() > limits_.max_path_length) {
        return FsStatus::PathTooLong;
    }
    const Found found = find(path);
    if (found.directory()) {
        return FsStatus::IsDirectory;
    }
    if (!found.exists()) {
        if (const FsStatus parent = checkParent(path); parent != FsStatus::Ok) {
            return parent;
        }
    }
    auto it = overlay_.find(path);
    if (it == overlay_.end() || it->second.kind != Node::Kind::File) {
        // Copy-on-write: the overlay takes the persona file's bytes (or starts empty).
        Node node;
        node.mode = found.base != nullptr ? found.base->mode : 0644;
        if (append && found.base != nullptr) {
            node.content = found.base->content;
        }
        if (const FsStatus status = putNode(std::string(path), std::move(node)); status != FsStatus::Ok) {
            return status;
        }
        it = overlay_.find(path);
    } else if (!append) {
        overlay_bytes_ -= it->second.content.size();
        it->second.content.clear();
    }
    std::string& content = it->second.content;
    const size_t file_room = limits_.max_file_bytes > content.size() ? limits_.max_file_bytes - content.size() : 0;
    const size_t total_room = limits_.max_total_bytes > overlay_bytes_ ? limits_.max_total_bytes - overlay_bytes_ : 0;
    const size_t take = std::min({data.size(), file_room, total_room});
    content.append(data.substr(0, take));
    overlay_bytes_ += take;
    if (take < data.size()) {
        return file_room <= total_room ? FsStatus::FileTooLarge : FsStatus::NoSpace;
    }
    return FsStatus::Ok;
}

FsStatus VirtualFs::makeDirectory(std::string_view path) {
    if (path.size() > limits_.max_path_length) {
        return FsStatus::PathTooLong;
    }
    if (find(path).exists()) {
        return FsStatus::Exists;
    }
    if (const FsStatus parent = checkParent(path); parent != FsStatus::Ok) {
        return parent;
    }
    Node node;
    node.kind = Node::Kind::Directory;
    node.mode = 0755;
    node.opaque = persona_->files.count(path) != 0; // the persona's directory was removed earlier
    return putNode(std::string(path), std::move(node));
}

FsStatus VirtualFs::remove(std::string_view path, bool recursive) {
    const Found found = find(path);
    if (!found.exists()) {
        return FsStatus::NotFound;
    }
    if (found.directory() && !recursive) {
        return FsStatus::IsDirectory;
    }
    if (path == "/") {
        return FsStatus::Ok; // BusyBox refuses "/" quietly enough; the session keeps its root
    }
    const std::string below = std::string(path) + "/";
    for (auto it = overlay_.lower_bound(below); it != overlay_.end() && isBelow(it->first, path);) {
        overlay_bytes_ -= it->second.content.size();
        it = overlay_.erase(it);
    }
    if (persona_->files.count(path) == 0) {
        if (const auto it = overlay_.find(path); it != overlay_.end()) {
            overlay_bytes_ -= it->second.content.size();
            overlay_.erase(it);
        }
        return FsStatus::Ok;
    }
    Node tombstone;
    tombstone.kind = Node::Kind::Deleted;
    return putNode(std::string(path), std::move(tombstone));
}

FsStatus VirtualFs::setMode(std::string_view path, uint32_t mode) {
    const Found found = find(path);
    if (!found.exists()) {
        return FsStatus::NotFound;
    }
    if (found.overlay != nullptr) {
        overlay_.find(path)->second.mode = mode & 07777;
        return FsStatus::Ok;
    }
    Node node;
    node.kind = found.base->directory ? Node::Kind::Directory : Node::Kind::File;
    node.mode = mode & 07777;
    node.content = found.base->content;
    return putNode(std::string(path), std::move(node));
}

std::vector<std::string> VirtualFs::list(std::string_view path) const {
    std::set<std::string> names;
    const std::string prefix = path == "/" ? std::string("/") : std::string(path) + "/";
    const auto collect = [&](const auto& map) {
        for (auto it = map.lower_bound(prefix); it != map.end() && it->first.compare(0, prefix.size(), prefix) == 0;
             ++it) {
            const std::string_view rest = std::string_view(it->first).substr(prefix.size());
            if (!rest.empty() && rest.find('/') == std::string_view::npos) {
                names.emplace(rest);
            }
        }
    };
    collect(persona_->files);
    collect(overlay_);
    std::vector<std::string> out;
    for (const std::string& name : names) {
        if (find(prefix + name).exists()) {
            out.push_back(name);
        }
    }
    return out;
}

} // namespace kansoku::honeypot::shell
