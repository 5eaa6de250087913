// Process signals as flags: SIGINT/SIGTERM/SIGHUP are counted (the engine sees them as
// interrupt requests through the control channel), SIGUSR1 only wakes a sleep early
// (another shell wrote an advance/abort request). SIGPIPE is ignored.
#pragma once

namespace rollout::os {

void install_signal_handlers();
// The signal number of an interrupt not yet taken (SIGINT, SIGTERM or SIGHUP), or 0.
int take_interrupt();
// "SIGINT", "SIGTERM" or "SIGHUP".
const char* interrupt_name(int sig);
// Interrupts received so far (taken or not).
int interrupts_received();
// Called from the signal handler on the second and later interrupts (must be
// async-signal-safe): stops a command that is running when a person insists.
void on_repeated_interrupt(void (*hook)() noexcept);

}  // namespace rollout::os
