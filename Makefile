# Convenience targets over CMake presets. `make run` starts the main job, `make test` runs all tests.
BUILD_DIR := build
JOBS ?= $(shell nproc)

.PHONY: all build run test unit bench format format-check clean

all: build

$(BUILD_DIR)/build.ninja:
	cmake --preset dev

build: $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	./$(BUILD_DIR)/kansoku run

test: build format-check
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j 2

unit: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j 2 -L unit

bench: build
	bench/run

SOURCES = $(shell git ls-files '*.cpp' '*.h' '*.c' '*.cpp.in' | grep -v '\.in$$')

format:
	clang-format -i $(SOURCES)

format-check:
	clang-format --dry-run -Werror $(SOURCES)

clean:
	rm -rf $(BUILD_DIR)
