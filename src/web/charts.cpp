#include "web/charts.hpp"

#include <algorithm>
#include <cmath>
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

struct Mark final {
  const char* colour;
  const char* name;  // "blue circles"
};
// Colours with a contrast of at least 3:1 on white (WCAG 1.4.11), each with its own shape.
constexpr Mark kMarks[] = {{"#005eb8", "blue circles"},
                           {"#b35c00", "orange squares"},
                           {"#2b7a2b", "green triangles"},
                           {"#6b2c91", "purple diamonds"},
                           {"#b3261e", "red crosses"}};
constexpr int kMapWidth = 640;
constexpr int kMapHeight = 400;
constexpr int kMapMargin = 30;

std::string PointShape(int group, double x, double y) {
  const std::string cx = Number(x);
  const std::string cy = Number(y);
  if (group < 0) {
    return "<circle cx=\"" + cx + "\" cy=\"" + cy +
           "\" r=\"5\" fill=\"none\" stroke=\"#5e5e5e\" stroke-width=\"2\"/>";
  }
  const Mark& mark = kMarks[static_cast<std::size_t>(group) % std::size(kMarks)];
  const std::string fill = std::string("fill=\"") + mark.colour + "\"";
  switch (group % static_cast<int>(std::size(kMarks))) {
    case 0:
      return "<circle cx=\"" + cx + "\" cy=\"" + cy + "\" r=\"6\" " + fill + "/>";
    case 1:
      return "<rect x=\"" + Number(x - 5.5) + "\" y=\"" + Number(y - 5.5) +
             "\" width=\"11\" height=\"11\" " + fill + "/>";
    case 2:
      return "<polygon points=\"" + Number(x) + "," + Number(y - 7) + " " + Number(x + 7) + "," +
             Number(y + 5) + " " + Number(x - 7) + "," + Number(y + 5) + "\" " + fill + "/>";
    case 3:
      return "<polygon points=\"" + Number(x) + "," + Number(y - 7) + " " + Number(x + 7) + "," +
             Number(y) + " " + Number(x) + "," + Number(y + 7) + " " + Number(x - 7) + "," +
             Number(y) + "\" " + fill + "/>";
    default:
      return "<path d=\"M" + Number(x - 6) + " " + Number(y - 6) + "L" + Number(x + 6) + " " +
             Number(y + 6) + "M" + Number(x + 6) + " " + Number(y - 6) + "L" + Number(x - 6) + " " +
             Number(y + 6) + "\" stroke=\"" + mark.colour + "\" stroke-width=\"3\"/>";
  }
}

}  // namespace

std::string GroupMark(int group) {
  if (group < 0) return "grey rings";
  return kMarks[static_cast<std::size_t>(group) % std::size(kMarks)].name;
}

std::string OpinionMapSvg(const std::string& id, const std::string& title,
                          const std::string& description, const std::vector<MapPoint>& points) {
  // A position the engine could not compute is drawn at the origin rather than break the SVG.
  std::vector<MapPoint> finite = points;
  for (MapPoint& p : finite) {
    if (!std::isfinite(p.x)) p.x = 0;
    if (!std::isfinite(p.y)) p.y = 0;
  }
  double min_x = 0, max_x = 0, min_y = 0, max_y = 0;
  for (std::size_t i = 0; i < finite.size(); ++i) {
    const MapPoint& p = finite[i];
    min_x = i == 0 ? p.x : std::min(min_x, p.x);
    max_x = i == 0 ? p.x : std::max(max_x, p.x);
    min_y = i == 0 ? p.y : std::min(min_y, p.y);
    max_y = i == 0 ? p.y : std::max(max_y, p.y);
  }
  const double span_x = max_x - min_x;
  const double span_y = max_y - min_y;
  auto scale = [](double v, double min, double span, int size) {
    if (span <= 0) return size / 2.0;
    return kMapMargin + (v - min) / span * (size - 2 * kMapMargin);
  };
  std::string svg =
      "<svg class=\"app-chart app-map\" xmlns=\"http://www.w3.org/2000/svg\" "
      "viewBox=\"0 0 " +
      std::to_string(kMapWidth) + " " + std::to_string(kMapHeight) +
      "\" role=\"img\" aria-labelledby=\"" + id + "-title " + id + "-desc\">";
  svg += "<title id=\"" + id + "-title\">" + EscapeXml(title) + "</title>";
  svg += "<desc id=\"" + id + "-desc\">" + EscapeXml(description) + "</desc>";
  svg += "<rect x=\"1\" y=\"1\" width=\"" + std::to_string(kMapWidth - 2) + "\" height=\"" +
         std::to_string(kMapHeight - 2) + "\" fill=\"none\" stroke=\"#b3b3b3\"/>";
  std::string viewer;
  for (const MapPoint& p : finite) {
    const double x = scale(p.x, min_x, span_x, kMapWidth);
    const double y = scale(p.y, min_y, span_y, kMapHeight);
    svg += PointShape(p.group, x, y);
    if (p.viewer) {
      viewer = "<circle cx=\"" + Number(x) + "\" cy=\"" + Number(y) +
               "\" r=\"12\" fill=\"none\" stroke=\"#1a1a1a\" stroke-width=\"3\"/>"
               "<text x=\"" +
               Number(x + (x > kMapWidth - 80 ? -16 : 16)) + "\" y=\"" + Number(y + 5) +
               "\" text-anchor=\"" + (x > kMapWidth - 80 ? "end" : "start") +
               "\" class=\"app-map__you\">You</text>";
    }
  }
  svg += viewer + "</svg>";
  return svg;
}

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
