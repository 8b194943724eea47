#pragma once

/// Background work in the same process as the web server (the sharing scheduler's publishing pass, which
/// reads every stored event the first time) should take the CPU only when requests do not need it: a
/// thread calls lowerToBackgroundPriority() at its start and runs at nice +10 (Linux schedules each
/// thread by its own nice value: against a nice 0 thread it gets about a tenth of a shared core).

namespace kansoku {

/// Nice value of background threads.
inline constexpr int kBackgroundNice = 10;

/// Sets the calling thread's nice value to kBackgroundNice; false when the kernel refused (nothing else
/// changes then).
bool lowerToBackgroundPriority();

} // namespace kansoku
