/// How log lines are written: `text` for people reading a terminal, `json` for log collectors.
public enum LogFormat: String, Sendable, CaseIterable {
    case text, json
}
