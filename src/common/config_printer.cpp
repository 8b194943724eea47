#include "common/config_printer.h"

#include <memory>
#include <vector>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace kansoku {
namespace {

std::string tomlString(const std::string& text) {
    // A JSON string is a TOML basic string (both escape ", \ and control characters as \uXXXX).
    return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string tomlArray(const std::vector<std::string>& values) {
    std::string out = "[";
    for (size_t i = 0; i < values.size(); ++i) {
        out += (i == 0 ? "" : ", ") + tomlString(values[i]);
    }
    return out + "]";
}

/// Calls `emit(key, toml_value, doc)` for every key, and `enter`/`leave` around sections.
class ValueVisitor : public ConfigVisitor {
public:
    void integer(std::string_view key, int64_t& value, int64_t, int64_t, std::string_view doc) override {
        emit(key, std::to_string(value), doc);
    }
    void boolean(std::string_view key, bool& value, std::string_view doc) override {
        emit(key, value ? "true" : "false", doc);
    }
    void text(std::string_view key, std::string& value, std::string_view doc) override {
        emit(key, tomlString(value), doc);
    }
    void choice(std::string_view key, std::string& value, std::initializer_list<std::string_view> choices,
                std::string_view doc) override {
        std::string documented(doc);
        documented += " (";
        for (const auto c : choices) {
            documented += std::string(c) + (c == *(choices.end() - 1) ? ")" : ", ");
        }
        emit(key, tomlString(value), documented);
    }
    void texts(std::string_view key, std::vector<std::string>& value, std::string_view doc) override {
        emit(key, tomlArray(value), doc);
    }
    void duration(std::string_view key, Duration& value, Duration, Duration, std::string_view doc) override {
        emit(key, tomlString(value.toString()), doc);
    }
    void size(std::string_view key, ByteSize& value, ByteSize, ByteSize, std::string_view doc) override {
        emit(key, tomlString(value.toString()), doc);
    }
    void renamed(std::string_view, std::string_view) override {}
    void check(bool, std::string_view) override {}

protected:
    virtual void emit(std::string_view key, const std::string& value, std::string_view doc) = 0;
};

class Flattener final : public ValueVisitor {
public:
    explicit Flattener(std::map<std::string, std::string>& out, std::string path = "")
        : out_(out), path_(std::move(path)) {}
    void section(std::string_view name, std::string_view, const ConfigWalk& body) override {
        Flattener child(out_, dotted(name));
        body(child);
    }
    void tables(std::string_view name, std::string_view, size_t, ConfigTableList& list) override {
        for (size_t i = 0; i < list.size(); ++i) {
            Flattener child(out_, fmt::format("{}[{}]", dotted(name), i));
            list.walk(i, child);
        }
    }

private:
    void emit(std::string_view key, const std::string& value, std::string_view) override { out_[dotted(key)] = value; }
    std::string dotted(std::string_view key) const {
        return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
    }
    std::map<std::string, std::string>& out_;
    std::string path_;
};

/// A table of the printed document: its own keys first, then its sub-tables (TOML's order).
struct Table {
    std::string path;
    bool element = false; ///< one table of an array of tables: printed as [[path]]
    std::string doc;
    std::string keys;
    std::vector<std::unique_ptr<Table>> children;
};

class Printer final : public ValueVisitor {
public:
    Printer(Table& table, const std::map<std::string, std::string>& defaults) : Printer(table, defaults, table.path) {}
    /// `key_path`: the table's path in flattened keys (an element of an array of tables: "a.b[2]").
    Printer(Table& table, const std::map<std::string, std::string>& defaults, std::string key_path)
        : table_(table), defaults_(defaults), key_path_(std::move(key_path)) {}
    void section(std::string_view name, std::string_view doc, const ConfigWalk& body) override {
        auto child = std::make_unique<Table>();
        child->path = table_.path.empty() ? std::string(name) : table_.path + "." + std::string(name);
        child->doc = std::string(doc);
        Printer printer(*child, defaults_, keyPath(name));
        body(printer);
        table_.children.push_back(std::move(child));
    }
    void tables(std::string_view name, std::string_view doc, size_t, ConfigTableList& list) override {
        for (size_t i = 0; i < list.size(); ++i) {
            auto child = std::make_unique<Table>();
            child->path = table_.path.empty() ? std::string(name) : table_.path + "." + std::string(name);
            child->element = true;
            child->doc = i == 0 ? std::string(doc) : std::string();
            Printer printer(*child, defaults_, fmt::format("{}[{}]", keyPath(name), i));
            list.walk(i, printer);
            table_.children.push_back(std::move(child));
        }
    }

private:
    std::string keyPath(std::string_view key) const {
        return key_path_.empty() ? std::string(key) : key_path_ + "." + std::string(key);
    }
    void emit(std::string_view key, const std::string& value, std::string_view doc) override {
        const std::string path = keyPath(key);
        if (!doc.empty()) {
            table_.keys += "# " + std::string(doc) + "\n";
        }
        const auto found = defaults_.find(path);
        std::string note = found == defaults_.end() ? "# not in the defaults"
                           : found->second == value ? "# default"
                                                    : "# default: " + found->second;
        table_.keys += std::string(key) + " = " + value + "  " + note + "\n";
    }
    Table& table_;
    const std::map<std::string, std::string>& defaults_;
    std::string key_path_;
};

void render(const Table& table, std::string& out) {
    if (!table.path.empty()) {
        out += out.empty() ? "" : "\n";
        if (!table.doc.empty()) {
            out += "# " + table.doc + "\n";
        }
        out += table.element ? "[[" + table.path + "]]\n" : "[" + table.path + "]\n";
    }
    out += table.keys;
    for (const auto& child : table.children) {
        render(*child, out);
    }
}

} // namespace

std::map<std::string, std::string> flattenConfig(const ConfigWalk& walk) {
    std::map<std::string, std::string> out;
    Flattener flattener(out);
    walk(flattener);
    return out;
}

std::string printConfig(const ConfigWalk& walk, const std::map<std::string, std::string>& defaults) {
    Table root;
    Printer printer(root, defaults);
    walk(printer);
    std::string out;
    render(root, out);
    return out;
}

} // namespace kansoku
