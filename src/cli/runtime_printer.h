#pragma once

/// What `kansoku run` and `kansoku honeypot` tell the operator on stderr: listeners and notices
/// at start, the darknet summary when its capture is done, and the summary at exit.

#include "app/runtime.h"

namespace kansoku::cli {

void printStarted(app::Runtime& runtime);
/// After the darknet thread ended: its summary, or a CommandError with its read error.
void printDarknetDone(app::DarknetRuntime& darknet);
/// Stops the runtime (everything published is delivered and flushed) and prints the summary; a
/// consumer that failed (the store could not commit) is a CommandError.
void finish(app::Runtime& runtime);

} // namespace kansoku::cli
