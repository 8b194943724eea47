#include "share/isp/report_mail.h"

#include <fmt/format.h>

#include "share/isp/report_row.h"
#include "share/isp/xarf_report.h"

namespace kansoku::share::isp {
namespace {

int64_t hostCount(const std::vector<BuiltReport>& reports) {
    return reports.empty() ? 0 : reports.front().record.hosts;
}

std::string englishText(const store::IspRecord& isp, const ReportPeriod& period, int64_t hosts) {
    return fmt::format(
        "Dear {} abuse team,\n\n"
        "kansoku observed {} infected host(s) in your network (your prefixes and AS numbers)\n"
        "between {} and {} UTC.\n\n"
        "Attached:\n"
        "- a CSV file, one row per host (columns: timestamp, ip, port, asn, geo, protocol, family, tag,\n"
        "  infection, evidence_type, count, first_seen, last_seen, confidence, state; times in UTC);\n"
        "- X-ARF v4 JSON reports, one per host (category connection, type infected_host).\n\n"
        "Please notify the subscribers of these addresses under your contract and ask them to clean\n"
        "their devices: change default passwords, update firmware, reboot and reset.\n"
        "You can also fetch this report with your API key: GET /api/v1/isp/reports\n\n"
        "-- \nkansoku\n",
        isp.name, hosts, shadowserverTime(period.since), shadowserverTime(period.until));
}

std::string japaneseText(const store::IspRecord& isp, const ReportPeriod& period, int64_t hosts) {
    return fmt::format(
        "{} ご担当者様\n\n"
        "{} から {} (UTC) の間に、貴社ネットワーク (貴社のプレフィックスおよび AS 番号) 内で\n"
        "感染ホストを {} 件観測しました。\n\n"
        "添付ファイル:\n"
        "- CSV ファイル (1 ホスト 1 行。列: timestamp, ip, port, asn, geo, protocol, family, tag,\n"
        "  infection, evidence_type, count, first_seen, last_seen, confidence, state。時刻は UTC)\n"
        "- X-ARF v4 形式の JSON レポート (ホストごとに 1 件。category connection, type infected_host)\n\n"
        "契約に基づき、該当アドレスの利用者へ通知し、機器の対策 (初期パスワードの変更、\n"
        "ファームウェアの更新、再起動と初期化) を依頼してください。\n"
        "このレポートは API キーで取得することもできます: GET /api/v1/isp/reports\n\n"
        "-- \nkansoku\n",
        isp.name, shadowserverTime(period.since), shadowserverTime(period.until), hosts);
}

} // namespace

MailMessage reportMail(const store::IspRecord& isp, const NotifyConfig& config, const ReportPeriod& period,
                       const std::vector<BuiltReport>& reports, Timestamp now) {
    const int64_t hosts = hostCount(reports);
    const bool ja = isp.lang == "ja";
    MailMessage mail;
    mail.from = config.from;
    mail.to = isp.abuse;
    mail.date = now;
    mail.subject = ja ? fmt::format("[kansoku] 感染ホスト報告 {}: {} 件 ({} UTC まで)", isp.name, hosts,
                                    shadowserverTime(period.until))
                      : fmt::format("[kansoku] Infected hosts report for {}: {} host(s) until {} UTC", isp.name, hosts,
                                    shadowserverTime(period.until));
    mail.text = ja ? japaneseText(isp, period, hosts) : englishText(isp, period, hosts);
    for (const auto& report : reports) {
        for (const auto& file : report.files) {
            mail.attachments.push_back(file);
        }
    }
    const auto at = config.from.find('@');
    mail.message_id = randomUuidV4() + "@" + (at == std::string::npos ? "kansoku" : config.from.substr(at + 1));
    return mail;
}

} // namespace kansoku::share::isp
