// The file-backed state store.
#include "state/file_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/atomic_file.hpp"
#include "state/layout.hpp"

namespace rollout::state {

std::optional<std::string> journal_behind_state(const nlohmann::json& state,
                                                std::uint64_t journal_last_seq) {
  if (!state.is_object() || !state.contains("last_seq") || !state["last_seq"].is_number_unsigned())
    return std::nullopt;
  const auto seq = state["last_seq"].get<std::uint64_t>();
  if (seq <= journal_last_seq) return std::nullopt;
  std::string split = "?";
  if (const auto& s = state.value("split", nlohmann::json::object()); s.is_object())
    split = fmt::format("{}/{}", s.value("stable", -1), s.value("canary", -1));
  return fmt::format(
      "the journal lost records: state.json reached event {} ({}, traffic {}) but the "
      "journal ends at event {}; where the rollout stands is uncertain",
      seq, state.value("status", std::string("?")), split, journal_last_seq);
}

namespace fs = std::filesystem;

namespace {

// Makes STATE_DIR/NAME/journal.reserve (kJournalReserveBytes, synced) unless it exists.
Result<void> make_reserve(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 &&
      static_cast<std::size_t>(st.st_size) >= kJournalReserveBytes)
    return {};
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return make_error(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
  const std::string zeros(kJournalReserveBytes, '\0');
  auto r = write_all(fd, zeros);
  if (r && ::fsync(fd) != 0) r = make_error(std::strerror(errno));
  ::close(fd);
  if (!r) {
    ::unlink(path.c_str());
    return make_error(fmt::format("cannot reserve {} KiB for the journal in {}: {}",
                                  kJournalReserveBytes / 1024,
                                  fs::path(path).parent_path().string(), r.error().message));
  }
  return {};
}

// A last line without its newline is a write cut short: keep it in PATH.torn, cut it off.
Result<std::size_t> repair_torn_tail(int fd, const std::string& path, bool durable) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size == 0) return std::size_t{0};
  const off_t size = st.st_size;
  char last = '\n';
  if (::pread(fd, &last, 1, size - 1) != 1 || last == '\n') return std::size_t{0};
  off_t keep = 0;  // bytes up to and with the last newline
  char buf[4096];
  for (off_t end = size; end > 0 && keep == 0;) {
    const off_t start = end > static_cast<off_t>(sizeof buf) ? end - sizeof buf : 0;
    const ssize_t n = ::pread(fd, buf, static_cast<std::size_t>(end - start), start);
    if (n <= 0) return make_error(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
    for (ssize_t i = n - 1; i >= 0; --i)
      if (buf[i] == '\n') {
        keep = start + i + 1;
        break;
      }
    end = start;
  }
  std::string fragment(static_cast<std::size_t>(size - keep), '\0');
  if (::pread(fd, fragment.data(), fragment.size(), keep) != static_cast<ssize_t>(fragment.size()))
    return make_error(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  fragment += '\n';
  const std::string torn = path + ".torn";
  const int tfd =
      ::open(torn.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (tfd < 0) return make_error(fmt::format("cannot write {}: {}", torn, std::strerror(errno)));
  auto w = write_all(tfd, fragment);
  if (w && durable && ::fsync(tfd) != 0) w = make_error(std::strerror(errno));
  ::close(tfd);
  if (!w) return make_error(fmt::format("cannot write {}: {}", torn, w.error().message));
  if (::ftruncate(fd, keep) != 0 || (durable && ::fdatasync(fd) != 0))
    return make_error(
        fmt::format("cannot cut the torn last line of {}: {}", path, std::strerror(errno)));
  return static_cast<std::size_t>(size - keep);
}

}  // namespace

std::string JournalDamage::describe(const std::string& path) const {
  return fmt::format("{}:{}: {}", path, line, what);
}

FileStateStore::FileStateStore(std::string dir, bool durable)
    : dir_(std::move(dir)), durable_(durable) {}

FileStateStore::~FileStateStore() {
  if (fd_ >= 0) ::close(fd_);
}

std::string FileStateStore::journal_path() const {
  return (fs::path(dir_) / "journal.jsonl").string();
}

void FileStateStore::fail(std::string why) {
  ++lost_;
  if (failure_.empty()) failure_ = std::move(why);
}

Result<void> FileStateStore::open() {
  std::lock_guard lock(mu_);
  return open_locked();
}

Result<void> FileStateStore::open_locked() {
  if (fd_ >= 0) return {};
  const std::string path = journal_path();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return make_error(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  auto torn = repair_torn_tail(fd, path, durable_);
  if (!torn) {
    ::close(fd);
    return torn.error();
  }
  torn_bytes_ = *torn;
  fd_ = fd;
  if (durable_) return make_reserve((fs::path(dir_) / "journal.reserve").string());
  return {};
}

// One write per line: O_APPEND keeps a line whole even if status reads concurrently. A
// line that could not be written whole is cut off again, so the next starts on its own.
Result<void> FileStateStore::write_line(const std::string& line) {
  struct stat st {};
  const off_t before = ::fstat(fd_, &st) == 0 ? st.st_size : -1;
  std::size_t done = 0;
  bool released = false;
  while (done < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n >= 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    const int err = errno;
    if (err == EINTR) continue;
    const std::string reserve = (fs::path(dir_) / "journal.reserve").string();
    if ((err == ENOSPC || err == EDQUOT) && !released && ::unlink(reserve.c_str()) == 0) {
      // The disk is full: give up the reserve so this record and the rollback's fit.
      released = true;
      if (failure_.empty())
        failure_ = fmt::format("journal write failed: {} (the state directory {} is full)",
                               std::strerror(err), dir_);
      continue;
    }
    if (before >= 0 && done > 0 && ::ftruncate(fd_, before) != 0) { /* reported below */
    }
    return make_error(fmt::format("journal write failed: {}", std::strerror(err)));
  }
  return {};
}

Result<void> FileStateStore::append(const nlohmann::json& record, bool sync) {
  std::lock_guard lock(mu_);
  if (auto r = open_locked(); !r && fd_ < 0) {
    fail(r.error().message);
    return r;
  }
  std::string line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line += '\n';
  if (auto r = write_line(line); !r) {
    fail(r.error().message);
    return r;
  }
  if (sync && durable_ && ::fdatasync(fd_) != 0) {
    auto err = make_error(fmt::format("journal fsync failed: {}", std::strerror(errno)));
    fail(err.message);
    return err;
  }
  return {};
}

Result<JournalRead> FileStateStore::read_journal() const {
  const std::string path = journal_path();
  std::ifstream in(path, std::ios::binary);
  JournalRead out;
  if (!in) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return out;
    return make_error("cannot read " + path);
  }
  std::string line;
  std::size_t n = 0;
  std::optional<std::int64_t> prev_seq;
  while (std::getline(in, line)) {
    ++n;
    const bool torn = in.eof();  // getline met the end before a newline: the last line, cut
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) {
      // A torn last line is a crash mid-write; any other unreadable line is damage.
      if (torn) out.torn = true;
      if (!torn && !out.damage) out.damage = JournalDamage{n, "not a JSON line"};
      continue;
    }
    if (auto s = j.find("seq"); s != j.end() && s->is_number_integer()) {
      const auto seq = s->get<std::int64_t>();
      if (prev_seq && seq != *prev_seq + 1 && !out.damage)
        out.damage = JournalDamage{
            n, seq <= *prev_seq
                   ? fmt::format("event seq {} after seq {} (written twice)", seq, *prev_seq)
                   : fmt::format("event seq {} follows seq {} ({} event(s) missing)", seq,
                                 *prev_seq, seq - *prev_seq - 1)};
      prev_seq = seq;
    }
    out.lines.push_back(std::move(j));
  }
  return out;
}

Result<std::vector<nlohmann::json>> FileStateStore::journal() const {
  auto r = read_journal();
  if (!r) return r.error();
  return std::move(r->lines);
}

Result<void> FileStateStore::save_state(const nlohmann::json& state) {
  std::lock_guard lock(mu_);
  auto r =
      write_file_atomic((fs::path(dir_) / "state.json").string(), state.dump(2) + "\n", durable_);
  // state.json only mirrors the journal, but a state directory that refuses it (a full
  // disk whose journal still had room in its last block) will not record the next
  // decision either: remembered like a journal failure, no record lost.
  if (!r && failure_.empty()) failure_ = "state.json not written: " + r.error().message;
  return r;
}

Result<std::optional<nlohmann::json>> FileStateStore::load_state() const {
  const std::string path = (fs::path(dir_) / "state.json").string();
  std::ifstream in(path);
  if (!in) return std::optional<nlohmann::json>();
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded()) return make_error(path + " is not valid JSON");
  return std::optional<nlohmann::json>(std::move(j));
}

Trust FileStateStore::trust() const {
  {
    std::lock_guard lock(mu_);
    if (!failure_.empty()) {
      return Trust{Trust::Kind::journal,
                   lost_ ? fmt::format("{}; {} event(s) not recorded", failure_, lost_) : failure_,
                   lost_};
    }
  }
  if (lock_check_) {
    if (auto r = lock_check_(); !r) return Trust{Trust::Kind::lock, r.error().message, 0};
  }
  return {};
}

Result<void> FileStateStore::archive(const std::string& stamp) {
  std::lock_guard lock(mu_);
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  for (const char* name : {"journal.jsonl", "state.json"}) {
    const fs::path from = fs::path(dir_) / name;
    std::error_code ec;
    if (!fs::exists(from, ec)) continue;
    const std::string stem = from.stem().string(), ext = from.extension().string();
    const fs::path to = fs::path(dir_) / "history" / (stem + "." + stamp + ext);
    if (auto r = ensure_private_dir(to.parent_path().string()); !r) return r;
    fs::rename(from, to, ec);
    if (ec) return make_error(fmt::format("cannot move {} aside: {}", from.string(), ec.message()));
  }
  return {};
}

}  // namespace rollout::state
