#include "store/sketch_function.h"

#include <new>
#include <string_view>

#include <sqlite3.h>

#include "common/hyperloglog.h"

namespace kansoku::store {
namespace {

/// The aggregate's state lives in SQLite's zeroed context memory: a pointer to the sketch.
HyperLogLog** state(sqlite3_context* context, int bytes) {
    return static_cast<HyperLogLog**>(sqlite3_aggregate_context(context, bytes));
}

void step(sqlite3_context* context, int /*argc*/, sqlite3_value** argv) {
    HyperLogLog** sketch = state(context, sizeof(HyperLogLog*));
    if (sketch == nullptr) {
        sqlite3_result_error_nomem(context);
        return;
    }
    if (*sketch == nullptr) {
        *sketch = new (std::nothrow) HyperLogLog();
        if (*sketch == nullptr) {
            sqlite3_result_error_nomem(context);
            return;
        }
    }
    if (sqlite3_value_type(argv[0]) != SQLITE_TEXT) {
        return;
    }
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    (*sketch)->add(HyperLogLog::hashKey(std::string_view(text, static_cast<size_t>(sqlite3_value_bytes(argv[0])))));
}

void final(sqlite3_context* context) {
    HyperLogLog** sketch = state(context, 0);
    if (sketch == nullptr || *sketch == nullptr) {
        const HyperLogLog empty;
        sqlite3_result_blob(context, empty.registers().data(), static_cast<int>(empty.registers().size()),
                            SQLITE_TRANSIENT);
        return;
    }
    const std::string_view bytes = (*sketch)->registers();
    sqlite3_result_blob(context, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    delete *sketch;
    *sketch = nullptr;
}

} // namespace

bool registerSketchFunction(sqlite3* db) {
    return sqlite3_create_function_v2(db, "kansoku_hll", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                      nullptr, nullptr, step, final, nullptr) == SQLITE_OK;
}

} // namespace kansoku::store
