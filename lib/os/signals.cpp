// Async-signal-safe handlers that only set flags; SIGPIPE ignored.
#include "os/signals.hpp"

#include <csignal>
#include <cstring>

namespace rollout::os {

namespace {
volatile std::sig_atomic_t g_received = 0;
volatile std::sig_atomic_t g_taken = 0;
volatile std::sig_atomic_t g_last = 0;
void (*volatile g_hook)() noexcept = nullptr;

extern "C" void on_interrupt(int sig) {
  g_received = g_received + 1;
  g_last = sig;
  if (g_received >= 2 && g_hook) g_hook();
}
extern "C" void on_wake(int) {}
}  // namespace

void install_signal_handlers() {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a sleep returns early on a signal
  sa.sa_handler = on_interrupt;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);  // the terminal or ssh session went away
  sa.sa_handler = on_wake;
  sigaction(SIGUSR1, &sa, nullptr);
  // A reader that went away (`| head`) stops the output, never the rollout: writes then
  // fail with EPIPE and the console stops writing (view/console.cpp).
  std::signal(SIGPIPE, SIG_IGN);
}

int take_interrupt() {
  if (g_taken >= g_received) return 0;
  g_taken = g_taken + 1;
  return g_last ? static_cast<int>(g_last) : SIGINT;
}

const char* interrupt_name(int sig) {
  return sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" : "SIGINT";
}

int interrupts_received() {
  return static_cast<int>(g_received);
}

void on_repeated_interrupt(void (*hook)() noexcept) {
  g_hook = hook;
}

}  // namespace rollout::os
