#include "common/jsonl_writer.h"

#include <cerrno>
#include <cstring>

#include "common/event_tap.h"

namespace kansoku {

JsonlWriter::JsonlWriter() : file_(stdout), name_("stdout"), owned_(false) {}

JsonlWriter::JsonlWriter(std::FILE* file, std::string name) : file_(file), name_(std::move(name)), owned_(true) {}

JsonlWriter::~JsonlWriter() {
    if (owned_ && file_ != nullptr) {
        std::fclose(file_);
    } else if (file_ != nullptr) {
        std::fflush(file_);
    }
}

Result<std::unique_ptr<JsonlWriter>> JsonlWriter::openAppend(const std::string& path) {
    std::FILE* file = std::fopen(path.c_str(), "ae");
    if (file == nullptr) {
        return fail("events file {}: {}", path, std::strerror(errno));
    }
    return std::unique_ptr<JsonlWriter>(new JsonlWriter(file, path));
}

void JsonlWriter::publish(const Event& event) {
    const std::string line = event.toJsonLine();
    tapEventLine(line);
    publishLine(line);
}

void JsonlWriter::publishLine(std::string_view line) {
    if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fputc('\n', file_) == EOF) {
        failed_ = true;
    }
}

Result<void> JsonlWriter::flush() {
    if (std::fflush(file_) != 0 || failed_) {
        return fail("writing events to {} failed: {}", name_, std::strerror(errno));
    }
    return {};
}

} // namespace kansoku
