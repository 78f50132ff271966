// Charts drawn on the server as SVG, so that they need no JavaScript. Each chart carries its
// own text alternative; pages put the same numbers in a data table beside it.
#pragma once

#include <string>
#include <vector>

namespace coproduce::web {

struct Bar final {
  std::string label;
  double value = 0;
  std::string value_text;  // as the data table shows it: "12", "3.5"
};

// A horizontal bar chart. `id` must be unique on the page; `title` names the chart and
// `description` is its text alternative (what the chart shows, in a sentence or two).
std::string BarChartSvg(const std::string& id, const std::string& title,
                        const std::string& description, const std::vector<Bar>& bars);

// The sentence a chart's text alternative usually needs: "Minibus: 12. Befriending: 8."
std::string DescribeBars(const std::vector<Bar>& bars);

// One participant on an opinion map. `group` indexes the map's groups (-1: not in a group).
struct MapPoint final {
  double x = 0;
  double y = 0;
  int group = -1;
  bool viewer = false;  // the person looking at the page: ringed and labelled "You"
};

// A scatter of participants' positions on an opinion map, without names. Each group has its
// own shape as well as its own colour (GroupMark), so that colour is never the only clue.
std::string OpinionMapSvg(const std::string& id, const std::string& title,
                          const std::string& description, const std::vector<MapPoint>& points);
// How group `group` is drawn, for legends: "blue circles"; -1: "grey rings".
std::string GroupMark(int group);

// Escapes text for XML and HTML: & < > " '.
std::string EscapeXml(const std::string& text);

}  // namespace coproduce::web
