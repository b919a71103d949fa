/**
 * The API's refusals a desk meets, in Chinese. The API speaks English to every client (its messages
 * name fields and codes); the pages put the ones people see in their words, stage and step codes
 * included. Anything not listed keeps the API's own text after the status in Chinese, so nothing is
 * hidden from the person or from whoever they call for help.
 */
import { CALLBACK_STAGES, STEP_LABELS, TICKET_STAGES } from './labels';

const stage = (code: string) => CALLBACK_STAGES[code] ?? TICKET_STAGES[code] ?? code;
const step = (code: string) => STEP_LABELS[code] ?? code;

const RULES: [RegExp, (...m: string[]) => string][] = [
  [/^wrong username or password/, () => '用户名或密码错误'],
  [/is closed \(run (\w+)\): it takes no more changes/, () => '此件已办结，不能再修改'],
  [/^no recording is expected in stage (\w+)/, (_, s) => `此保单当前为“${stage(s)}”，不需要上传录音`],
  [/^stage: policy \S+ is (\w+): no recording is expected now/, (_, s) => `此保单当前为“${stage(s)}”，不需要上传录音`],
  [/^attemptId: \S+ is not a call of policy/, () => '这次拨打没有录音（未接通或未完成问卷）'],
  [/recording '.*' does not match its checksum/, () => '录音文件与存储中的文件不一致（校验值不符），请重新上传'],
  [/recording '.*' is not in storage/, () => '录音存储中没有这个文件，请先上传'],
  [/recording '.*' could not be checked/, () => '录音暂时无法核验（存储不可用），请稍后重新上传'],
  [/the recording is larger than the (\d+) bytes allowed/, (_, n) => `录音文件超过 ${Math.round(Number(n) / 1048576)} MB 上限`],
  [/the file is not a recording/, () => '文件不是录音（支持 WAV、MP3、AMR、M4A、OGG）'],
  [/the recording is empty/, () => '录音文件是空的'],
  [/recordings are already stored for this call/, () => '这次通话已上传过多次录音，请联系运维'],
  [/^no call outcome is expected in stage (\w+)/, (_, s) => `此保单当前为“${stage(s)}”，不能记录拨打结果`],
  [/^attempt '.*' already has outcome/, () => '这次拨打的结果已经记录过了'],
  [/^attempt '.*' is stale: its slot ended without an outcome/, () => '这次拨打的时段已结束，系统已安排下一次拨打'],
  [/^attempt '.*' is unknown for policy/, () => '系统还没有这次拨打的记录，请稍后再试'],
  [/^answers missing for: (.*)/, () => '问卷没有答完'],
  [/^ticket \S+ is closed/, () => '此转办单已办结'],
  [/^'([\w-]+)' is not possible in stage (\w+)/, (_, st, s) => `转办单当前为“${stage(s)}”，不能“${step(st)}”（可能已被他人处理，请刷新）`],
  [/^another step is being recorded on ticket/, () => '另一操作正在处理此转办单，请稍后再试'],
  [/^a waiver reported at .* is waiting for the tier-3 handler/, () => '已有一份放弃声明等待三级机构审核'],
  [/^the policyholder was already called successfully; a waiver no longer applies/, () => '投保人已回访成功，不再适用放弃声明'],
  [/^no waiver is taken in stage (\w+)/, (_, s) => `此保单当前为“${stage(s)}”，不能报送放弃声明`],
  [/^the callback of policy \S+ is (\w+), with no call to make/, (_, s) => `此保单当前为“${stage(s)}”，无需拨打，不显示客户信息`],
  [/^the callback of policy \S+ is closed \((\w+)\)/, (_, s) => `此保单回访已结束（${stage(s)}）`],
  [/^no waiver is waiting for a decision/, () => '没有待审核的放弃声明'],
  [/^no worker (answered|accepted the request)/, () => '后台处理暂时不可用，请稍后再试（操作可能稍后生效，请刷新查看）'],
  [/^the read could not be logged/, () => '访问记录无法写入，为保护客户信息暂不显示，请稍后再试'],
  [/was shown \d+ policyholders in the last hour/, () => '一小时内查看客户信息次数已达上限，请稍后再试或联系运维'],
];

/** A refusal in the desk's words, or the API's text when it is not one the pages know. */
export function refusalInWords(message: string): string {
  for (const [pattern, words] of RULES) {
    const m = pattern.exec(message);
    if (m) return words(...m);
  }
  return message;
}

const FIELDS: Record<string, string> = {
  policyNo: '保单号',
  statementRef: '放弃声明',
  receiptRef: '回执',
  callBackAt: '再回访时间',
  answers: '问卷',
  reason: '原因',
  actionTaken: '处理情况',
  newPhone: '新电话号码',
  '(body)': '提交的文件',
};

export function fieldInWords(field: string): string {
  return FIELDS[field] ?? field;
}
