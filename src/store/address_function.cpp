#include "store/address_function.h"

#include <string_view>

#include <sqlite3.h>

#include "common/ip_address.h"

namespace kansoku::store {
namespace {

void kansokuAddr(sqlite3_context* context, int /*argc*/, sqlite3_value** argv) {
    if (sqlite3_value_type(argv[0]) != SQLITE_TEXT) {
        sqlite3_result_null(context);
        return;
    }
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    const auto address = IpAddress::parse(std::string_view(text, static_cast<size_t>(sqlite3_value_bytes(argv[0]))));
    if (!address) {
        sqlite3_result_null(context);
        return;
    }
    sqlite3_result_blob(context, address->bytes().data(), 16, SQLITE_TRANSIENT);
}

} // namespace

bool registerAddressFunction(sqlite3* db) {
    return sqlite3_create_function_v2(db, "kansoku_addr", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                      nullptr, kansokuAddr, nullptr, nullptr, nullptr) == SQLITE_OK;
}

} // namespace kansoku::store
