#pragma once

/// The mail that carries an ISP's reports to its abuse address: a short text in the ISP's language
/// (ja or en) saying what is attached and how to read it, the CSV and the X-ARF reports attached.

#include <vector>

#include "share/isp/mail_message.h"
#include "share/isp/notify_config.h"
#include "share/isp/report_builder.h"
#include "store/isp_record.h"

namespace kansoku::share::isp {

MailMessage reportMail(const store::IspRecord& isp, const NotifyConfig& config, const ReportPeriod& period,
                       const std::vector<BuiltReport>& reports, Timestamp now);

} // namespace kansoku::share::isp
