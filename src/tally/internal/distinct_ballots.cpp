#include "tally/internal/distinct_ballots.hpp"

#include <algorithm>
#include <cassert>
#include <climits>
#include <new>
#include <utility>

namespace coproduce::tally::internal {

namespace {

// Long enough for a cache line to arrive from memory while the reader parses this many lines.
constexpr std::size_t kBatch = 16;

}  // namespace

void DistinctBallots::Add(std::span<const int> key, int64_t weight) {
  // Room for every pending key, so that a lookup always finds a free slot.
  const std::size_t pending =
      filling_.entries.size() + fetching_.entries.size() + waiting_.entries.size();
  if ((size_ + pending + 1) * 2 > slots_.size()) Grow();
  const uint32_t hash = Hash(key);
  __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]);
  filling_.entries.push_back(Batch::Entry{hash, key.size(), weight});
  filling_.keys.insert(filling_.keys.end(), key.begin(), key.end());
  if (filling_.entries.size() < kBatch) return;
  LookUp(waiting_);
  // The slots of the batch before arrived while this one filled: fetch the records they point
  // to, which a key that was seen before is compared with.
  const std::size_t mask = slots_.size() - 1;
  for (const Batch::Entry& entry : fetching_.entries) {
    const uint64_t held = slots_[entry.hash & mask];
    if (held != 0) __builtin_prefetch(arena_.get() + (held & kOffsetMask) - 1);
  }
  std::swap(waiting_, fetching_);
  std::swap(fetching_, filling_);
}

void DistinctBallots::Flush() {
  LookUp(waiting_);
  LookUp(fetching_);
  LookUp(filling_);
}

void DistinctBallots::LookUp(Batch& batch) {
  std::size_t begin = 0;
  for (const Batch::Entry& entry : batch.entries) {
    Insert(entry.hash, std::span<const int>(batch.keys).subspan(begin, entry.length), entry.weight);
    begin += entry.length;
  }
  batch.entries.clear();
  batch.keys.clear();
}

void DistinctBallots::Insert(uint32_t hash, std::span<const int> key, int64_t weight) {
  const uint64_t tag = Tag(hash);
  const std::size_t mask = slots_.size() - 1;
  std::size_t slot = hash & mask;
  for (; slots_[slot] != 0; slot = (slot + 1) & mask) {
    if ((slots_[slot] & ~kOffsetMask) != tag) continue;
    const std::size_t at = (slots_[slot] & kOffsetMask) - 1;
    if (!Holds(at, key)) continue;
    const int64_t total = Weight(at) + weight;
    std::memcpy(&arena_[at + 2], &total, sizeof total);
    return;
  }
  assert(key.size() <= INT_MAX && "a key has at most a few ints per candidate");
  assert(arena_size_ + 1 < kOffsetMask && "the arena outgrew the slots' offsets");
  slots_[slot] = tag | (arena_size_ + 1);
  int header[kHeader] = {static_cast<int>(hash), static_cast<int>(key.size())};
  std::memcpy(&header[2], &weight, sizeof weight);
  Append(header, kHeader);
  Append(key.data(), key.size());
  ++size_;
}

uint32_t DistinctBallots::Hash(std::span<const int> key) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ key.size();
  std::size_t i = 0;
  for (; i + 2 <= key.size(); i += 2) {
    uint64_t pair = 0;
    std::memcpy(&pair, &key[i], sizeof pair);
    h = (h ^ pair) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
  }
  if (i < key.size()) h = (h ^ static_cast<uint32_t>(key[i])) * 0xBF58476D1CE4E5B9ull;
  h = (h ^ (h >> 29)) * 0x94D049BB133111EBull;
  return static_cast<uint32_t>(h >> 32);
}

bool DistinctBallots::Holds(std::size_t at, std::span<const int> key) const {
  if (Length(at) != key.size()) return false;
  const int* held = arena_.get() + at + kHeader;
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (held[i] != key[i]) return false;
  }
  return true;
}

void DistinctBallots::Append(const int* ints, std::size_t count) {
  if (arena_size_ + count > arena_capacity_) {
    const std::size_t capacity =
        std::max({std::size_t{1024}, 2 * arena_capacity_, arena_size_ + count});
    void* grown = std::realloc(arena_.get(), capacity * sizeof(int));
    if (grown == nullptr) throw std::bad_alloc();
    static_cast<void>(arena_.release());
    arena_.reset(static_cast<int*>(grown));
    arena_capacity_ = capacity;
  }
  if (count > 0) std::memcpy(arena_.get() + arena_size_, ints, count * sizeof(int));
  arena_size_ += count;
}

// Doubles the table, placing the records again from the hashes they keep: the arena is read
// in order and no key is hashed twice.
void DistinctBallots::Grow() {
  std::vector<uint64_t> slots(std::max<std::size_t>(64, slots_.size() * 2));
  const std::size_t mask = slots.size() - 1;
  for (std::size_t at = 0; at < arena_size_; at += kHeader + Length(at)) {
    const auto hash = static_cast<uint32_t>(arena_[at]);
    std::size_t slot = hash & mask;
    while (slots[slot] != 0) slot = (slot + 1) & mask;
    slots[slot] = Tag(hash) | (at + 1);
  }
  slots_ = std::move(slots);
}

}  // namespace coproduce::tally::internal
