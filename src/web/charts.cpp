#include "web/charts.hpp"

#include <algorithm>
#include <cstdio>

namespace coproduce::web {
namespace {

constexpr int kWidth = 720;
constexpr int kLabelWidth = 260;
constexpr int kValueWidth = 70;
constexpr int kRow = 36;
constexpr int kBarHeight = 22;

std::string Number(double v) {
  char out[32];
  std::snprintf(out, sizeof out, "%.1f", v);
  return out;
}

// Long labels are cut to fit beside the bars; the data table has them whole.
std::string Shorten(const std::string& label) {
  constexpr std::size_t kMax = 34;
  if (label.size() <= kMax) return label;
  std::size_t cut = kMax - 1;
  while (cut > 0 && (static_cast<unsigned char>(label[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  return label.substr(0, cut) + "…";
}

}  // namespace

std::string EscapeXml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string DescribeBars(const std::vector<Bar>& bars) {
  std::string out;
  for (const Bar& bar : bars) {
    out += (out.empty() ? "" : " ") + bar.label + ": " + bar.value_text + ".";
  }
  return out;
}

std::string BarChartSvg(const std::string& id, const std::string& title,
                        const std::string& description, const std::vector<Bar>& bars) {
  double max = 0;
  for (const Bar& bar : bars) max = std::max(max, bar.value);
  const int height = static_cast<int>(bars.size()) * kRow + 8;
  const int plot = kWidth - kLabelWidth - kValueWidth;
  std::string svg = "<svg class=\"app-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
                    std::to_string(kWidth) + " " + std::to_string(height) +
                    "\" role=\"img\" aria-labelledby=\"" + id + "-title " + id + "-desc\">";
  svg += "<title id=\"" + id + "-title\">" + EscapeXml(title) + "</title>";
  svg += "<desc id=\"" + id + "-desc\">" + EscapeXml(description) + "</desc>";
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const Bar& bar = bars[i];
    const int y = static_cast<int>(i) * kRow + 4;
    const double length = max > 0 ? bar.value / max * plot : 0;
    svg += "<text x=\"" + std::to_string(kLabelWidth - 8) + "\" y=\"" +
           std::to_string(y + kBarHeight - 6) +
           "\" text-anchor=\"end\" class=\"app-chart__label\">" + EscapeXml(Shorten(bar.label)) +
           "</text>";
    svg += "<rect x=\"" + std::to_string(kLabelWidth) + "\" y=\"" + std::to_string(y) +
           "\" width=\"" + Number(std::max(length, 1.0)) + "\" height=\"" +
           std::to_string(kBarHeight) + "\" class=\"app-chart__bar\"/>";
    svg += "<text x=\"" + Number(kLabelWidth + std::max(length, 1.0) + 6) + "\" y=\"" +
           std::to_string(y + kBarHeight - 6) + "\" class=\"app-chart__value\">" +
           EscapeXml(bar.value_text) + "</text>";
  }
  svg += "</svg>";
  return svg;
}

}  // namespace coproduce::web
