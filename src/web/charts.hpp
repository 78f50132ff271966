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

// Escapes text for XML and HTML: & < > " '.
std::string EscapeXml(const std::string& text);

}  // namespace coproduce::web
