#include "app/center_runtime.h"

#include <filesystem>

#include <fmt/format.h>

namespace kansoku::app {
namespace {

Result<void> makeParentDirectory(const std::string& path) {
    const auto parent = std::filesystem::path(path).parent_path();
    if (parent.empty()) {
        return {};
    }
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
        return fail("cannot create directory {}: {}", parent.string(), ec.message());
    }
    return {};
}

} // namespace

Result<std::unique_ptr<CenterRuntime>> CenterRuntime::create(const Config& config, transport::EventBus& bus,
                                                             CenterOptions options) {
    std::unique_ptr<CenterRuntime> center(new CenterRuntime());
    const auto& storage = config.storage;
    std::error_code ec;
    std::filesystem::create_directories(storage.data_dir, ec);
    if (ec) {
        return fail("data directory {}: {}", storage.data_dir, ec.message());
    }
    KANSOKU_TRY(makeParentDirectory(storage.database));
    KANSOKU_TRY(makeParentDirectory(storage.events_jsonl));
    auto outputs = EventOutputs::open(
        {options.jsonl_stdout, storage.events_jsonl, storage.database, store::StoreSink::Batched{storage.batch_size}});
    KANSOKU_TRY(outputs);
    center->outputs_ = std::move(*outputs);
    for (auto& [name, sink] : center->outputs_->consumers()) {
        bus.subscribe(name, *sink);
    }
    center->database_ = storage.database;
    center->events_file_ = storage.events_jsonl;
    return center;
}

std::string CenterRuntime::destinations() const {
    return fmt::format("events stored in {} and appended to {}", database_.empty() ? "(no database)" : database_,
                       events_file_.empty() ? "(no events file)" : events_file_);
}

} // namespace kansoku::app
