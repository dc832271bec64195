import Foundation
import Workflows

/// The self-contained HTML timeline of `video find`: one strip per video with its appearances
/// marked, their thumbnails, and a player that jumps to the time clicked.
enum AppearanceReport {
    static func html(_ document: AppearanceDocument, reportPath: String) -> String {
        let base = URL(fileURLWithPath: reportPath).deletingLastPathComponent().standardizedFileURL.path
        func relative(_ video: String) -> String {
            let absolute = URL(fileURLWithPath: video).standardizedFileURL.path
            let prefix = base.hasSuffix("/") ? base : base + "/"
            let path = absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : "file://" + absolute
            return path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
        }
        let who = document.probe.subject.map { "subject \($0)" } ?? "the face in \(document.probe.image ?? "the probe")"
        let fmr = document.fmr.map { String(format: "%g", $0) } ?? "–"
        var body = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Likeness — appearances of \(escape(who))</title>
            <style>
            body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; max-width: 1100px; }
            h1 { font-size: 1.4em; } h2 { font-size: 1.05em; margin: 1.6em 0 0.4em; word-break: break-all; }
            .track { position: relative; height: 28px; background: #e8ebf0; border-radius: 4px; cursor: pointer; }
            .range { position: absolute; top: 0; bottom: 0; background: #1d4ed8; border-radius: 3px; min-width: 3px; }
            .range:focus { outline: 3px solid #f59e0b; }
            .scale { display: flex; justify-content: space-between; color: #555; font-size: 12px; }
            .items { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 8px; }
            .item { border: 1px solid #ccd; border-radius: 6px; padding: 6px; background: #fff; font: inherit; cursor: pointer; text-align: left; }
            .item img { display: block; height: 90px; border-radius: 4px; margin-bottom: 4px; }
            video { max-width: 100%; max-height: 360px; margin-top: 10px; display: block; background: #000; }
            .none { color: #666; }
            </style></head><body>
            <h1>Appearances of \(escape(who))</h1>
            <p>Threshold \(document.threshold) (false-match rate \(fmr)), \(document.sampleRate) frames sampled a second, \
            sightings within \(document.mergeGap) s merged, at least \(document.minimumSightings) per appearance. \
            Click a range or a thumbnail to play the video from there.</p>

            """
        for (index, video) in document.videos.enumerated() {
            let duration = max(video.duration, 0.001)
            var ranges = ""
            var items = ""
            for appearance in video.appearances {
                let left = appearance.start / duration * 100
                let width = max(0, appearance.end - appearance.start) / duration * 100
                let label =
                    "\(VideoFindCommand.clock(appearance.start)) – \(VideoFindCommand.clock(appearance.end)), best \(appearance.bestSimilarity)"
                ranges +=
                    "<button class=\"range\" style=\"left:\(String(format: "%.3f", left))%;width:\(String(format: "%.3f", width))%\" data-video=\"v\(index)\" data-time=\"\(appearance.start)\" aria-label=\"\(escape(label))\" title=\"\(escape(label))\"></button>"
                let image =
                    appearance.thumbnail.isEmpty
                    ? "" : "<img src=\"data:image/jpeg;base64,\(appearance.thumbnail)\" alt=\"\">"
                items +=
                    "<button class=\"item\" data-video=\"v\(index)\" data-time=\"\(appearance.bestAt)\">\(image)\(escape(label))<br>\(appearance.sightings) sightings</button>"
            }
            body += """
                <section><h2>\(escape(video.path))</h2>
                <p>\(video.appearances.count) appearance\(video.appearances.count == 1 ? "" : "s") · \(VideoFindCommand.clock(video.duration)) · \(video.width)×\(video.height) · \(video.framesSampled) frames sampled, \(video.framesWithFaces) with faces · \(video.speed)× real time</p>
                <div class="track" data-video="v\(index)" data-duration="\(duration)">\(ranges)</div>
                <div class="scale"><span>0:00</span><span>\(VideoFindCommand.clock(video.duration))</span></div>
                \(items.isEmpty ? "<p class=\"none\">Not found in this video.</p>" : "<div class=\"items\">\(items)</div>")
                <video id="v\(index)" controls preload="metadata" src="\(escape(relative(video.path)))"></video>
                </section>

                """
        }
        body += """
            <script>
            document.addEventListener('click', function (event) {
              var target = event.target.closest('[data-time]');
              var time;
              if (target) { time = parseFloat(target.dataset.time); }
              else {
                target = event.target.closest('.track');
                if (!target) return;
                var box = target.getBoundingClientRect();
                time = (event.clientX - box.left) / box.width * parseFloat(target.dataset.duration);
              }
              var video = document.getElementById(target.dataset.video);
              video.currentTime = Math.max(0, time);
              video.play();
              video.scrollIntoView({ block: 'nearest' });
            });
            </script>
            </body></html>

            """
        return body
    }
}
