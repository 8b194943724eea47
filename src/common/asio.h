#pragma once

/// The one place that includes Boost.Asio. Boost 1.74's boost/asio/awaitable.hpp uses std::exchange
/// without including <utility> and fails under g++ 12 with C++20 (ARCHITECTURE.md "Known snag"),
/// so <utility> comes first. Include this header, never boost/asio directly.

#include <utility>

// Boost 1.74 enables coroutine support for g++ only; clang 14 (the fuzz preset) has it too.
#if defined(__clang__) && !defined(BOOST_ASIO_HAS_CO_AWAIT)
#define BOOST_ASIO_HAS_CO_AWAIT 1
#define BOOST_ASIO_HAS_STD_COROUTINE 1
#endif

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
