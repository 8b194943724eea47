#include "app/event_outputs.h"

#include "store/open_database.h"

namespace kansoku::app {

Result<std::unique_ptr<EventOutputs>> EventOutputs::open(const OutputOptions& options) {
    auto outputs = std::make_unique<EventOutputs>();
    // Opened (and so checked) first; added last, so files are flushed before the store commits.
    if (!options.database.empty()) {
        auto store = store::openDatabase(options.database, store::OpenMode::ReadWriteCreate);
        KANSOKU_TRY(store);
        outputs->store_ = std::move(*store);
        outputs->store_sink_ = std::make_unique<store::StoreSink>(*outputs->store_, options.mode);
        outputs->any_ = true;
    }
    if (!options.events_file.empty()) {
        auto file = JsonlWriter::openAppend(options.events_file);
        KANSOKU_TRY(file);
        outputs->file_ = std::move(*file);
        outputs->fanout_.add(outputs->file_.get());
        outputs->consumers_.emplace_back("events_file", outputs->file_.get());
        outputs->any_ = true;
    }
    if (options.jsonl_stdout) {
        outputs->stdout_ = std::make_unique<JsonlWriter>();
        outputs->fanout_.add(outputs->stdout_.get());
        outputs->consumers_.emplace_back("stdout", outputs->stdout_.get());
        outputs->any_ = true;
    }
    if (outputs->store_sink_) {
        outputs->fanout_.add(outputs->store_sink_.get());
        outputs->consumers_.emplace_back("store", outputs->store_sink_.get());
    }
    return outputs;
}

} // namespace kansoku::app
