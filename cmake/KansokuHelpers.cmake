# Shared compile settings and the per-component helper.

add_library(kansoku_options INTERFACE)
target_compile_options(kansoku_options INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wno-missing-field-initializers
    $<$<BOOL:${KANSOKU_WERROR}>:-Werror>)
target_include_directories(kansoku_options INTERFACE ${PROJECT_SOURCE_DIR}/src)
if(KANSOKU_SANITIZE)
    target_compile_options(kansoku_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                     -fno-sanitize-recover=undefined)
    target_link_options(kansoku_options INTERFACE -fsanitize=address,undefined)
endif()

# kansoku_component(NAME SOURCES ... DEPS ...)
# One static library per src/ folder, named kansoku_<NAME>.
function(kansoku_component name)
    cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
    add_library(kansoku_${name} STATIC ${ARG_SOURCES})
    target_link_libraries(kansoku_${name} PUBLIC kansoku_options ${ARG_DEPS})
endfunction()

# kansoku_unit_test(NAME SOURCES ... DEPS ...)
function(kansoku_unit_test name)
    cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE kansoku_options ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
    target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests) # "support/..." helpers
    # Tests read KANSOKU_SHARED from ctest's own environment (.ci/run exports it). Every event they publish is
    # copied to the event tap and checked against its schema afterwards (tests/events/CMakeLists.txt).
    gtest_discover_tests(${name} PROPERTIES LABELS unit ${KANSOKU_EVENT_TAP_PROPERTIES} DISCOVERY_TIMEOUT 60)
endfunction()
