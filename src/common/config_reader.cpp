#include "common/config_reader.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>

#include <toml++/toml.h>

namespace kansoku {
namespace {

/// One table's keys: remembers which were declared, so what is left over is reported as unknown.
class TableReader final : public ConfigVisitor {
public:
    TableReader(const toml::table* table, std::string path, std::string_view origin, std::optional<Error>& error)
        : table_(table), path_(std::move(path)), origin_(origin), error_(error) {}

    void section(std::string_view name, std::string_view, const std::function<void(ConfigVisitor&)>& body) override {
        const toml::node* node = find(name);
        if (error_) {
            return;
        }
        if (node != nullptr && !node->is_table()) {
            report("{} must be a table", dotted(name));
            return;
        }
        TableReader child(node != nullptr ? node->as_table() : nullptr, dotted(name), origin_, error_);
        body(child);
        child.finish();
    }

    void tables(std::string_view name, std::string_view, size_t max_count, ConfigTableList& list) override {
        const toml::node* node = find(name);
        if (node == nullptr || error_) {
            return;
        }
        const toml::array* array = node->as_array();
        if (array == nullptr || !array->is_array_of_tables()) {
            report("{} must be an array of tables ([[{}]])", dotted(name), dotted(name));
            return;
        }
        if (array->size() > max_count) {
            report("{} has {} tables, at most {} allowed", dotted(name), array->size(), max_count);
            return;
        }
        list.reset(array->size());
        for (size_t i = 0; i < array->size() && !error_; ++i) {
            TableReader child(array->get(i)->as_table(), fmt::format("{}[{}]", dotted(name), i), origin_, error_);
            list.walk(i, child);
            child.finish();
        }
    }

    void integer(std::string_view key, int64_t& value, int64_t min, int64_t max, std::string_view) override {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return;
        }
        if (!node->is_integer()) {
            report("{} must be an integer", dotted(key));
            return;
        }
        const int64_t v = *node->value<int64_t>();
        if (v < min || v > max) {
            report("{} = {} is out of range {}..{}", dotted(key), v, min, max);
            return;
        }
        value = v;
    }

    void boolean(std::string_view key, bool& value, std::string_view) override {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return;
        }
        if (!node->is_boolean()) {
            report("{} must be true or false", dotted(key));
            return;
        }
        value = *node->value<bool>();
    }

    void text(std::string_view key, std::string& value, std::string_view) override {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return;
        }
        if (!node->is_string()) {
            report("{} must be a string", dotted(key));
            return;
        }
        value = *node->value<std::string>();
    }

    void choice(std::string_view key, std::string& value, std::initializer_list<std::string_view> choices,
                std::string_view doc) override {
        std::string chosen = value;
        text(key, chosen, doc);
        if (error_ || chosen == value) {
            return;
        }
        if (std::find(choices.begin(), choices.end(), chosen) == choices.end()) {
            std::string list;
            for (const auto c : choices) {
                list += list.empty() ? "" : ", ";
                list += c;
            }
            report("{} = \"{}\" must be one of {}", dotted(key), chosen, list);
            return;
        }
        value = chosen;
    }

    void texts(std::string_view key, std::vector<std::string>& value, std::string_view) override {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return;
        }
        const auto* array = node->as_array();
        std::vector<std::string> out;
        if (array != nullptr) {
            for (const auto& element : *array) {
                if (!element.is_string()) {
                    array = nullptr;
                    break;
                }
                out.push_back(*element.value<std::string>());
            }
        }
        if (array == nullptr) {
            report("{} must be an array of strings", dotted(key));
            return;
        }
        value = std::move(out);
    }

    void duration(std::string_view key, Duration& value, Duration min, Duration max, std::string_view) override {
        quantity(key, value, min, max, "a duration with a unit, e.g. \"30s\", \"10m\", \"1h\"");
    }

    void size(std::string_view key, ByteSize& value, ByteSize min, ByteSize max, std::string_view) override {
        quantity(key, value, min, max, "a size with a unit, e.g. \"64MiB\", \"256KiB\"");
    }

    void renamed(std::string_view old_key, std::string_view hint) override {
        if (find(old_key) != nullptr) {
            report("{} was renamed: {}", dotted(old_key), hint);
        }
    }

    void check(bool ok, std::string_view message) override {
        if (!ok) {
            report("{}", message);
        }
    }

    /// Reports the first key nobody declared.
    void finish() {
        if (error_ || table_ == nullptr) {
            return;
        }
        for (const auto& [key, node] : *table_) {
            if (!seen_.contains(std::string(key.str()))) {
                report("unknown key {} (line {})", dotted(key.str()), node.source().begin.line);
                return;
            }
        }
    }

private:
    const toml::node* find(std::string_view key) {
        seen_.insert(std::string(key));
        if (error_ || table_ == nullptr) {
            return nullptr;
        }
        return table_->get(key);
    }

    /// A Duration or ByteSize: a string of one number and a unit, within [min, max].
    template <typename Quantity>
    void quantity(std::string_view key, Quantity& value, Quantity min, Quantity max, std::string_view expected) {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return;
        }
        if (!node->is_string()) {
            report("{} must be {}", dotted(key), expected);
            return;
        }
        auto parsed = Quantity::parse(*node->value<std::string>());
        if (!parsed) {
            report("{}: {}", dotted(key), parsed.error().message);
            return;
        }
        if (*parsed < min || *parsed > max) {
            report("{} = \"{}\" is out of range {}..{}", dotted(key), parsed->toString(), min.toString(),
                   max.toString());
            return;
        }
        value = *parsed;
    }

    std::string dotted(std::string_view key) const {
        return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
    }

    template <typename... Args>
    void report(fmt::format_string<Args...> format, Args&&... args) {
        if (!error_) {
            error_ = Error{fmt::format("{}: {}", origin_, fmt::format(format, std::forward<Args>(args)...))};
        }
    }

    const toml::table* table_;
    std::string path_;
    std::string_view origin_;
    std::optional<Error>& error_;
    std::set<std::string> seen_;
};

} // namespace

Result<void> readConfig(std::string_view toml_text, std::string_view origin,
                        const std::function<void(ConfigVisitor&)>& walk) {
    toml::table root;
    try {
        root = toml::parse(toml_text, origin);
    } catch (const toml::parse_error& e) {
        return fail("{}:{}:{}: {}", origin, e.source().begin.line, e.source().begin.column, e.description());
    }
    std::optional<Error> error;
    TableReader reader(&root, "", origin, error);
    walk(reader);
    reader.finish();
    if (error) {
        return fail(std::move(*error));
    }
    return {};
}

} // namespace kansoku
