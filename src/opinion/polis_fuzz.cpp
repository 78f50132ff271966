// libFuzzer entry point for the Pol.is export readers (built with -DCOPRODUCE_FUZZ=ON and
// clang). The first byte picks the file: 'c' comments.csv, 'p' participants-votes.csv,
// anything else votes.csv. Any input must give rows or a ParseError without crashing; the
// votes read are then put through the engine, which must not crash either.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "opinion/conversation.hpp"
#include "opinion/polis_export.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace coproduce::opinion;
  if (size == 0) return 0;
  const char kind = static_cast<char>(data[0]);
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (kind == 'c') {
    (void)ReadPolisComments(text, "comments.csv");
    return 0;
  }
  PolisExport export_data;
  if (kind == 'p') {
    auto read = ReadPolisParticipants(text, "participants-votes.csv");
    if (auto* p = std::get_if<std::vector<PolisParticipant>>(&read))
      export_data.participants = std::move(*p);
  } else {
    auto read = ReadPolisVotes(text, "votes.csv");
    if (auto* v = std::get_if<std::vector<PolisVote>>(&read)) export_data.votes = std::move(*v);
  }
  Options options;
  options.max_participants = 200;  // keeps each run short
  options.max_comments = 50;
  Conversation conversation(options);
  LoadAll(export_data, conversation);
  conversation.Update();
  conversation.Recompute();
  return 0;
}
