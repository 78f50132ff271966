// For the vote-file readers only: merges identical ballots while a file is read. A reader
// spells each ballot as a key of ints (its candidate or project numbers, and whatever else
// tells two ballots apart); every distinct key keeps the total weight of the lines that gave
// it, in order of first appearance. A file can hold a distinct ballot per voter, so the keys
// live in one arena under an open-addressing table: a heap block per ballot would cost more
// than reading the file. Keys are looked up in batches, two batches after they were added:
// meanwhile their slots in the table, then the records the slots point to, are fetched from
// memory, which would otherwise stall every lookup in a large file.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

namespace coproduce::tally::internal {

class DistinctBallots final {
 public:
  // Adds `weight` to the ballot `key`, a new one or an identical earlier one. The caller
  // keeps every total within int64.
  void Add(std::span<const int> key, int64_t weight);

  // The number of distinct keys added (keys still waiting in a batch are looked up first).
  std::size_t size() {
    Flush();
    return size_;
  }

  // Calls `visit(key, total_weight)` for each distinct key, in order of first appearance.
  template <typename Visit>
  void ForEach(Visit visit) {
    Flush();
    for (std::size_t at = 0; at < arena_size_; at += kHeader + Length(at)) {
      visit(std::span<const int>(arena_.get() + at + kHeader, Length(at)), Weight(at));
    }
  }

 private:
  // Each key is a record in the arena: its hash, its length, its total weight (two ints), then
  // the key itself.
  static constexpr std::size_t kHeader = 4;
  // A table slot holds the top 24 bits of the key's hash above the record's offset + 1
  // (0 marks an empty slot).
  static constexpr int kOffsetBits = 40;
  static constexpr uint64_t kOffsetMask = (uint64_t{1} << kOffsetBits) - 1;

  static uint32_t Hash(std::span<const int> key);
  static uint64_t Tag(uint32_t hash) { return uint64_t{hash >> 8} << kOffsetBits; }

  std::size_t Length(std::size_t at) const { return static_cast<std::size_t>(arena_[at + 1]); }
  int64_t Weight(std::size_t at) const {
    int64_t weight = 0;
    std::memcpy(&weight, &arena_[at + 2], sizeof weight);
    return weight;
  }

  // Keys added but not looked up yet, in order; their ints are concatenated in `keys`.
  struct Batch final {
    struct Entry final {
      uint32_t hash;
      std::size_t length;
      int64_t weight;
    };
    std::vector<Entry> entries;
    std::vector<int> keys;
  };

  void LookUp(Batch& batch);
  void Flush();
  void Insert(uint32_t hash, std::span<const int> key, int64_t weight);
  bool Holds(std::size_t at, std::span<const int> key) const;
  void Append(const int* ints, std::size_t count);
  void Grow();

  std::vector<uint64_t> slots_;
  std::size_t size_ = 0;
  Batch filling_;   // keys being added, their slots fetched
  Batch fetching_;  // the batch before, its records fetched
  Batch waiting_;   // the batch before that, looked up when filling_ is full

  // The arena grows with realloc, not as a std::vector: glibc moves a large block's pages
  // (mremap) instead of copying them, so growing does not copy the keys or touch fresh memory.
  struct Free final {
    void operator()(int* ints) const { std::free(ints); }
  };
  std::unique_ptr<int[], Free> arena_;
  std::size_t arena_size_ = 0;
  std::size_t arena_capacity_ = 0;
};

}  // namespace coproduce::tally::internal
