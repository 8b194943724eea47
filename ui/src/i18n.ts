// Labels in English and Japanese. The language comes from `?lang=` once, then what the user picked
// (kept in localStorage), then the browser's preference.

export type Lang = "en" | "ja";

const LABELS = {
    title: { en: "kansoku", ja: "kansoku 観測" },
    skip: { en: "Skip to content", ja: "本文へ移動" },
    overview: { en: "Overview", ja: "概要" },
    map: { en: "Attack map", ja: "攻撃マップ" },
    cube: { en: "Darknet cube", ja: "ダークネットキューブ" },
    ports: { en: "Ports", ja: "ポート" },
    scanners: { en: "Scanners & DDoS", ja: "スキャナと DDoS" },
    honeypot: { en: "Honeypots", ja: "ハニーポット" },
    samples: { en: "Samples", ja: "検体" },
    hosts: { en: "Infected hosts", ja: "感染ホスト" },
    alerts: { en: "Alerts", ja: "アラート" },
    source: { en: "Source", ja: "送信元" },
    session: { en: "Session", ja: "セッション" },
    sample: { en: "Sample", ja: "検体" },
    views: { en: "Views", ja: "ビュー" },
    filters: { en: "Filters", ja: "絞り込み" },
    range: { en: "Time range", ja: "期間" },
    sensor: { en: "Sensor", ja: "センサ" },
    port: { en: "Port", ja: "ポート" },
    family: { en: "Family", ja: "ファミリ" },
    apply: { en: "Apply", ja: "適用" },
    clear: { en: "Clear", ja: "解除" },
    language: { en: "日本語", ja: "English" },
    languageName: { en: "Language", ja: "言語" },
    live: { en: "live", ja: "ライブ" },
    offline: { en: "reconnecting", ja: "再接続中" },
    loading: { en: "Loading…", ja: "読み込み中…" },
    empty: { en: "Nothing in this range yet.", ja: "この期間のデータはまだありません。" },
    error: { en: "Could not load", ja: "読み込めませんでした" },
    notFound: { en: "Not found", ja: "見つかりません" },
    probes: { en: "Darknet packets", ja: "ダークネットパケット" },
    sources: { en: "Sources", ja: "送信元数" },
    scans: { en: "Scans", ja: "スキャン" },
    attacks: { en: "DDoS attacks", ja: "DDoS 攻撃" },
    logins: { en: "Logins", ja: "ログイン" },
    sessions: { en: "Sessions", ja: "セッション" },
    downloads: { en: "Downloads", ja: "ダウンロード" },
    newSamples: { en: "New samples", ja: "新規検体" },
    events: { en: "Events", ja: "イベント" },
    topSources: { en: "Top sources", ja: "上位の送信元" },
    topPorts: { en: "Top ports", ja: "上位のポート" },
    topCountries: { en: "Top countries", ja: "上位の国" },
    topAsns: { en: "Top ASNs", ja: "上位の AS" },
    topTools: { en: "Scanner tools", ja: "スキャンツール" },
    topCredentials: { en: "Top credentials", ja: "上位の認証情報" },
    topCommands: { en: "Top commands", ja: "上位のコマンド" },
    topFamilies: { en: "Families", ja: "ファミリ" },
    campaigns: { en: "Campaigns", ja: "キャンペーン" },
    victims: { en: "DDoS victims", ja: "DDoS 被害者" },
    heatmap: { en: "Port × time (sources)", ja: "ポート × 時間（送信元数）" },
    series: { en: "Per-port series", ja: "ポート別の推移" },
    alertMarks: { en: "alerts", ja: "アラート" },
    country: { en: "Country", ja: "国" },
    asn: { en: "AS", ja: "AS" },
    address: { en: "Address", ja: "アドレス" },
    count: { en: "Count", ja: "件数" },
    packets: { en: "Packets", ja: "パケット" },
    tool: { en: "Tool", ja: "ツール" },
    kind: { en: "Kind", ja: "種別" },
    severity: { en: "Severity", ja: "重大度" },
    subject: { en: "Subject", ja: "対象" },
    time: { en: "Time", ja: "時刻" },
    firstSeen: { en: "First seen", ja: "初観測" },
    lastSeen: { en: "Last seen", ja: "最終観測" },
    username: { en: "Username", ja: "ユーザ名" },
    password: { en: "Password", ja: "パスワード" },
    command: { en: "Command", ja: "コマンド" },
    url: { en: "URL", ja: "URL" },
    protocol: { en: "Protocol", ja: "プロトコル" },
    success: { en: "Success", ja: "成功" },
    yes: { en: "yes", ja: "はい" },
    no: { en: "no", ja: "いいえ" },
    replay: { en: "Replay", ja: "再生" },
    transcript: { en: "Transcript", ja: "記録" },
    victim: { en: "Victim", ja: "被害者" },
    vector: { en: "Vector", ja: "手法" },
    evidence: { en: "Evidence", ja: "根拠" },
    ppm: { en: "Est. pps", ja: "推定 pps" },
    sha256: { en: "SHA-256", ja: "SHA-256" },
    fileType: { en: "File type", ja: "ファイル形式" },
    size: { en: "Size", ja: "サイズ" },
    verdict: { en: "Verdict", ja: "判定" },
    score: { en: "Score", ja: "スコア" },
    cluster: { en: "Cluster", ja: "クラスタ" },
    signatures: { en: "Signatures", ja: "シグネチャ" },
    processes: { en: "Processes", ja: "プロセス" },
    network: { en: "Network", ja: "通信" },
    isp: { en: "ISP", ja: "ISP" },
    state: { en: "State", ja: "状態" },
    details: { en: "Details", ja: "詳細" },
    dstAddress: { en: "Destinations reached (log)", ja: "到達した宛先数（対数）" },
    dstPort: { en: "Destination port", ja: "宛先ポート" },
    srcAddress: { en: "Source", ja: "送信元" },
    cubeHelp: {
        en: "Each dot is a source probing a port. Horizontal scans (one port, many addresses) stand tall; vertical scans (many ports) spread along the port axis; backscatter sits on the victims' ports.",
        ja: "点は送信元とそのポート。水平スキャン（1ポート・多数のアドレス）は高く、垂直スキャン（多数のポート）はポート軸に沿って広がり、バックスキャッタは被害者のポートに現れます。",
    },
    mapHelp: {
        en: "Arcs run from each source country to the sensor site; select a country or source for details.",
        ja: "弧は送信元の国からセンサ拠点へ。国や送信元を選ぶと詳細を表示します。",
    },
    pause: { en: "Pause", ja: "一時停止" },
    play: { en: "Play", ja: "再生" },
    sensorSite: { en: "Sensor site", ja: "センサ拠点" },
    backTo: { en: "Back", ja: "戻る" },
    drops: { en: "drops", ja: "投下" },
    droppedBy: { en: "dropped by", ja: "投下元" },
    lookalike: { en: "looks like", ja: "類似" },
    apiKey: { en: "API key", ja: "API キー" },
    apiKeyHelp: {
        en: "This server is not on loopback: give the admin key or your ISP's key (kept for this tab only).",
        ja: "このサーバはループバック以外で動作しています。管理者キーか ISP のキーを入力してください（このタブの間だけ保持）。",
    },
} as const satisfies Record<string, Record<Lang, string>>;

export type LabelKey = keyof typeof LABELS;

let current: Lang = "en";

export function setLang(lang: Lang): void {
    current = lang;
}

export function lang(): Lang {
    return current;
}

export function t(key: LabelKey): string {
    return LABELS[key][current];
}

export function allKeys(): LabelKey[] {
    return Object.keys(LABELS) as LabelKey[];
}

export function labelIn(key: LabelKey, which: Lang): string {
    return LABELS[key][which];
}

/** The language to start with: `?lang=` in the page URL, then the stored choice, then the browser. */
export function pickLang(search: string, stored: string | null, preferred: readonly string[]): Lang {
    const asked = new URLSearchParams(search).get("lang");
    if (asked === "ja" || asked === "en") return asked;
    if (stored === "ja" || stored === "en") return stored;
    for (const tag of preferred) {
        const base = tag.toLowerCase().split("-")[0];
        if (base === "ja") return "ja";
        if (base === "en") return "en";
    }
    return "en";
}

export function formatNumber(n: number): string {
    return new Intl.NumberFormat(current === "ja" ? "ja-JP" : "en-US").format(n);
}

/** A timestamp in the viewer's time zone, with seconds. */
export function formatTime(iso: string): string {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    return new Intl.DateTimeFormat(current === "ja" ? "ja-JP" : "en-GB", {
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
    }).format(d);
}
