#pragma once

/// How a component declares its configuration section (ARCHITECTURE.md "A component owns its
/// config section"): one function per section walks its keys with a ConfigVisitor, naming each
/// key with its value, bounds and one line of documentation. The same walk reads TOML
/// (TomlConfigReader), prints the effective configuration (`kansoku config show`) and compares
/// configurations key by key (ConfigFlattener), so a key is declared once. Defaults are the values
/// the section's struct starts with.
///
///     void visitConfig(ConfigVisitor& v, SessionLimits& limits) {
///         v.integer("max_sessions", limits.max_sessions, 1, 1'000'000, "open sessions, all sources");
///         v.duration("idle_timeout", limits.idle_timeout, Duration::fromSeconds(1), Duration::fromDays(365),
///                    "no input for this long closes a session");
///     }

#include <chrono>
#include <concepts>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "common/byte_size.h"
#include "common/duration.h"

namespace kansoku {

class ConfigVisitor;

/// The elements of an array of tables ([[name]]), as ConfigVisitor::tables walks them.
class ConfigTableList {
public:
    virtual ~ConfigTableList() = default;
    virtual size_t size() const = 0;
    /// Replaces the elements by `count` elements with their defaults.
    virtual void reset(size_t count) = 0;
    virtual void walk(size_t index, ConfigVisitor& v) = 0;
};

class ConfigVisitor {
public:
    virtual ~ConfigVisitor() = default;

    /// The sub-table [<current>.name], walked by `body`.
    virtual void section(std::string_view name, std::string_view doc,
                         const std::function<void(ConfigVisitor&)>& body) = 0;

    /// The array of tables [[<current>.name]] (at most `max_count` of them), each element walked by `list`.
    virtual void tables(std::string_view name, std::string_view doc, size_t max_count, ConfigTableList& list) = 0;

    virtual void integer(std::string_view key, int64_t& value, int64_t min, int64_t max, std::string_view doc) = 0;
    virtual void boolean(std::string_view key, bool& value, std::string_view doc) = 0;
    virtual void text(std::string_view key, std::string& value, std::string_view doc) = 0;
    /// A string that must be one of `choices`.
    virtual void choice(std::string_view key, std::string& value, std::initializer_list<std::string_view> choices,
                        std::string_view doc) = 0;
    virtual void texts(std::string_view key, std::vector<std::string>& value, std::string_view doc) = 0;
    virtual void duration(std::string_view key, Duration& value, Duration min, Duration max, std::string_view doc) = 0;
    virtual void size(std::string_view key, ByteSize& value, ByteSize min, ByteSize max, std::string_view doc) = 0;
    /// A key this section used to have: using it is an error that says what to write instead.
    virtual void renamed(std::string_view old_key, std::string_view hint) = 0;
    /// A rule across keys, checked after the section's keys were read: `ok` false is an error
    /// with `message` (which names the keys).
    virtual void check(bool ok, std::string_view message) = 0;

    /// An array of tables kept in a vector: each element is walked by `visitConfig(v, element)`.
    template <typename Element>
    void tables(std::string_view name, std::string_view doc, size_t max_count, std::vector<Element>& elements) {
        struct List final : ConfigTableList {
            explicit List(std::vector<Element>& e) : elements(e) {}
            size_t size() const override { return elements.size(); }
            void reset(size_t count) override { elements.assign(count, Element{}); }
            void walk(size_t index, ConfigVisitor& v) override { visitConfig(v, elements[index]); }
            std::vector<Element>& elements;
        } list(elements);
        tables(name, doc, max_count, static_cast<ConfigTableList&>(list));
    }

    /// Integers of any width (ports, counts), through int64_t.
    template <std::integral T>
    requires(!std::same_as<T, int64_t> && !std::same_as<T, bool>) void integer(std::string_view key, T& value,
                                                                               int64_t min, int64_t max,
                                                                               std::string_view doc) {
        auto wide = static_cast<int64_t>(value);
        integer(key, wide, min, max, doc);
        value = static_cast<T>(wide);
    }
    /// A component's std::chrono duration, through Duration.
    template <typename Rep, typename Period>
    void duration(std::string_view key, std::chrono::duration<Rep, Period>& value, Duration min, Duration max,
                  std::string_view doc) {
        Duration d = Duration::from(value);
        duration(key, d, min, max, doc);
        value = d.as<std::chrono::duration<Rep, Period>>();
    }
    /// A component's byte count, through ByteSize.
    template <std::integral T>
    void size(std::string_view key, T& bytes, ByteSize min, ByteSize max, std::string_view doc) {
        auto s = ByteSize::fromBytes(static_cast<uint64_t>(bytes));
        size(key, s, min, max, doc);
        bytes = static_cast<T>(s.bytes());
    }
};

} // namespace kansoku
