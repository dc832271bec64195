import Foundation

/// The self-contained HTML page of a clustering: one strip of thumbnails per group, largest
/// first, then the unsorted faces.
enum ClusterReport {
    struct Group {
        var id: Int
        var photos: Int
        var thumbnails: [(file: String, jpegBase64: String)]
    }

    static func html(
        directory: String, groups: [Group], unsorted: [(file: String, jpegBase64: String)], summary: String
    )
        -> String
    {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        func strip(_ faces: [(file: String, jpegBase64: String)]) -> String {
            faces.map { face in
                "<img src=\"data:image/jpeg;base64,\(face.jpegBase64)\" width=\"64\" height=\"64\" alt=\"\(escape(face.file))\" title=\"\(escape(face.file))\">"
            }.joined()
        }
        var body = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Likeness — people in \(escape(directory))</title>
            <style>
            body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
            h1 { font-size: 1.4em; } h2 { font-size: 1em; margin: 1.2em 0 0.3em; }
            .strip { display: flex; flex-wrap: wrap; gap: 3px; }
            .strip img { border-radius: 4px; object-fit: cover; }
            </style></head><body>
            <h1>People in \(escape(directory))</h1>
            <p>\(escape(summary))</p>

            """
        for group in groups {
            body += """
                <section><h2>Group \(group.id) — \(group.thumbnails.count) faces in \(group.photos) photo\(group.photos == 1 ? "" : "s")</h2>
                <div class="strip">\(strip(group.thumbnails))</div></section>

                """
        }
        body += """
            <section><h2>Unsorted — \(unsorted.count) faces that match nobody else</h2>
            <div class="strip">\(strip(unsorted))</div></section>
            </body></html>

            """
        return body
    }
}
