<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_TW" sourcelanguage="en">
<context>
    <name>AlertRulesDialog</name>
    <message>
        <location filename="../alert_rules_dialog.py" line="+50"/>
        <source>Missed polls in a row</source>
        <translation>連續輪詢失敗次數</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State changes that make it flapping</source>
        <translation>視為反覆變動的狀態改變次數</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Flapping window</source>
        <translation>反覆變動的判斷時間</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remind every</source>
        <translation>提醒間隔</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Utilization above</source>
        <translation>使用率超過</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>For at least</source>
        <translation>持續至少</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Clears after (below the limit)</source>
        <translation>低於上限多久後解除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Direction</source>
        <translation>方向</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ports</source>
        <translation>連接埠</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Errors above</source>
        <translation>錯誤超過</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Discards above</source>
        <translation>丟棄超過</translation>
    </message>
    <message>
        <location line="+3"/>
        <source> min</source>
        <translation> 分鐘</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> /s</source>
        <translation> 個/秒</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>In or out</source>
        <translation>流入或流出</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>In</source>
        <translation>流入</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Out</source>
        <translation>流出</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Uplinks and important ports</source>
        <translation>上行鏈路與重要連接埠</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every port with a known speed</source>
        <translation>所有已知速率的連接埠</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Never</source>
        <translation>不提醒</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Alert rules</source>
        <translation>告警規則</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Add rule</source>
        <translation>新增規則</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Delete rule…</source>
        <translation>刪除規則…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Rule</source>
        <translation>規則</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Kind</source>
        <translation>類型</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Name</source>
        <translation>名稱</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Severity</source>
        <translation>嚴重程度</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>When it fires</source>
        <translation>觸發條件</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Save rule</source>
        <translation>儲存規則</translation>
    </message>
    <message>
        <location line="+65"/>
        <source>Switched on: {0}.</source>
        <translation>已啟用：{0}。</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Switched off: {0}.</source>
        <translation>已停用：{0}。</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Once for every restart; nothing to set.</source>
        <translation>每次重新開機通知一次，沒有需要設定的項目。</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>New rule: set it up, then save it.</source>
        <translation>新規則：設定完成後請按「儲存規則」。</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+13"/>
        <source>Not saved: {0}</source>
        <translation>未儲存：{0}</translation>
    </message>
    <message>
        <location line="-11"/>
        <source>Saved: {0}.</source>
        <translation>已儲存：{0}。</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Delete the rule {0}? Its firing alerts close without a message.</source>
        <translation>要刪除規則「{0}」嗎？它目前的告警會直接關閉，不另行通知。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Delete rule</source>
        <translation>刪除規則</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Not deleted: {0}</source>
        <translation>未刪除：{0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Rule deleted.</source>
        <translation>規則已刪除。</translation>
    </message>
</context>
<context>
    <name>AlertsModel</name>
    <message>
        <location filename="../alerts_page.py" line="+189"/>
        <source>State</source>
        <translation>狀態</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Severity</source>
        <translation>嚴重程度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Device</source>
        <translation>裝置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Port</source>
        <translation>連接埠</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rule</source>
        <translation>規則</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Started</source>
        <translation>開始時間</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resolved / duration</source>
        <translation>恢復時間／持續時間</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Acknowledged</source>
        <translation>確認者</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Detail</source>
        <translation>詳細資訊</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Firing</source>
        <translation>告警中</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Flapping</source>
        <translation>反覆變動</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Resolved</source>
        <translation>已恢復</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>for {0}</source>
        <translation>已持續 {0}</translation>
    </message>
</context>
<context>
    <name>AlertsPage</name>
    <message>
        <location filename="../alert_names.py" line="+11"/>
        <location line="+13"/>
        <source>Device down</source>
        <translation>裝置離線</translation>
    </message>
    <message>
        <location line="-12"/>
        <location line="+13"/>
        <source>Device restarted</source>
        <translation>裝置重新開機</translation>
    </message>
    <message>
        <location line="-12"/>
        <source>Port down</source>
        <translation>連接埠斷線</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>High utilization</source>
        <translation>使用率過高</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+13"/>
        <source>Port errors or discards</source>
        <translation>連接埠錯誤或丟棄</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>critical</source>
        <translation>嚴重</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>info</source>
        <translation>資訊</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Uplink or important port down</source>
        <translation>上行鏈路或重要連接埠斷線</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Uplink utilization high</source>
        <translation>上行鏈路使用率過高</translation>
    </message>
    <message>
        <location filename="../alerts_page.py" line="-44"/>
        <source>{0} min</source>
        <translation>{0} 分鐘</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0} h {1} min</source>
        <translation>{0} 小時 {1} 分鐘</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0} d {1} h</source>
        <translation>{0} 天 {1} 小時</translation>
    </message>
    <message>
        <location line="+167"/>
        <source>Alerts</source>
        <translation>告警</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Event log</source>
        <translation>事件紀錄</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Firing</source>
        <translation>告警中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All recent</source>
        <translation>所有近期告警</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+93"/>
        <source>All devices</source>
        <translation>所有裝置</translation>
    </message>
    <message>
        <location line="-90"/>
        <source>All rules</source>
        <translation>所有規則</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Search device, port, rule, detail…</source>
        <translation>搜尋裝置、連接埠、規則、詳細資訊…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Show:</source>
        <translation>顯示：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Device:</source>
        <translation>裝置：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rule:</source>
        <translation>規則：</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Acknowledge</source>
        <translation>確認</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Say you have seen it: its reminders stop</source>
        <translation>表示已知悉此告警，之後不再發送提醒</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Rules…</source>
        <translation>告警規則…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Notification channels…</source>
        <translation>通知管道…</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Could not read the alerts: {0}</source>
        <translation>無法讀取告警：{0}</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>Reading the alerts…</source>
        <translation>讀取告警中…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No alert is firing.</source>
        <translation>目前沒有告警。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0} firing, {1} not acknowledged.</source>
        <translation>{0} 項告警中，{1} 項尚未確認。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Showing {0} of {1}.</source>
        <translation>顯示 {1} 項中的 {0} 項。</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>{0} — {1}: {2}</source>
        <translation>{0} — {1}：{2}</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Acknowledge alert</source>
        <translation>確認告警</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Acknowledge the alert on {0} as {1}? Its reminders stop.</source>
        <translation>要以 {1} 的身分確認 {0} 的告警嗎？確認後不再發送提醒。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Could not acknowledge: {0}</source>
        <translation>無法確認：{0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Acknowledged by {0}.</source>
        <translation>已由 {0} 確認。</translation>
    </message>
</context>
<context>
    <name>ApModel</name>
    <message>
        <location filename="../wireless_page.py" line="+253"/>
        <source>Name</source>
        <translation>名稱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>狀態</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Clients</source>
        <translation>用戶端</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>IP</source>
        <translation>IP</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>MAC / serial</source>
        <translation>MAC / 序號</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model</source>
        <translation>型號</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Uptime</source>
        <translation>運作時間</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Radios</source>
        <translation>射頻</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>offline since {0}</source>
        <translation>離線（自 {0}）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>offline</source>
        <translation>離線</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>online</source>
        <translation>連線中</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>unknown</source>
        <translation>不明</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>gone from the AP table</source>
        <translation>已不在無線基地台清單中</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The AP table gives no status for this AP</source>
        <translation>無線基地台清單未提供此基地台的狀態</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>MIB status: {0} (since {1})</source>
        <translation>MIB 狀態：{0}（自 {1}）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>MIB status: {0}</source>
        <translation>MIB 狀態：{0}</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <location filename="../app.py" line="+191"/>
        <source>CampusNet keeps polling in the background. Quit from this icon&apos;s menu.</source>
        <translation>CampusNet 會在背景繼續輪詢。要結束請使用此圖示的選單。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>all {0} devices answer</source>
        <translation>全部 {0} 台裝置都有回應</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0} device(s) not answering</source>
        <translation>{0} 台裝置沒有回應</translation>
    </message>
</context>
<context>
    <name>BandwidthPlot</name>
    <message>
        <location filename="../plot.py" line="+238"/>
        <source>Rate</source>
        <translation>速率</translation>
    </message>
    <message>
        <location line="+31"/>
        <location filename="../wireless_plot.py" line="+209"/>
        <source>Custom…</source>
        <translation>自訂…</translation>
    </message>
    <message>
        <location line="+79"/>
        <source>in {0}  out {1}</source>
        <translation>流入 {0}  流出 {1}</translation>
    </message>
    <message>
        <location line="+68"/>
        <source>95th in: {0}</source>
        <translation>95 百分位流入：{0}</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>95th out: {0}</source>
        <translation>95 百分位流出：{0}</translation>
    </message>
    <message>
        <location line="+14"/>
        <location line="+13"/>
        <source>{0} in</source>
        <translation>{0} 流入</translation>
    </message>
    <message>
        <location line="-12"/>
        <location line="+12"/>
        <source>{0} out</source>
        <translation>{0} 流出</translation>
    </message>
    <message>
        <location filename="../i18n.py" line="+62"/>
        <source>raw samples</source>
        <translation>原始樣本</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>5-minute averages</source>
        <translation>5 分鐘平均</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>30-minute averages</source>
        <translation>30 分鐘平均</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>2-hour averages</source>
        <translation>2 小時平均</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>daily averages</source>
        <translation>每日平均</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1 h</source>
        <translation>1 小時</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>24 h</source>
        <translation>24 小時</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>7 d</source>
        <translation>7 天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>30 d</source>
        <translation>30 天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1 y</source>
        <translation>1 年</translation>
    </message>
</context>
<context>
    <name>ChannelEditor</name>
    <message>
        <location filename="../channels_dialog.py" line="+158"/>
        <source>Edit channel</source>
        <translation>編輯通知管道</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>New {0} channel</source>
        <translation>新增{0}通知管道</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Name</source>
        <translation>名稱</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Advanced: another API address (a proxy or a test server)</source>
        <translation>進階：使用其他 API 位址（代理伺服器或測試伺服器）</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Message language</source>
        <translation>訊息語言</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Send notifications through this channel</source>
        <translation>透過此管道傳送通知</translation>
    </message>
    <message>
        <location line="-115"/>
        <source>SMTP server</source>
        <translation>SMTP 伺服器</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>None</source>
        <translation>無</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Security</source>
        <translation>加密方式</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>STARTTLS</source>
        <translation>STARTTLS</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SSL/TLS</source>
        <translation>SSL/TLS</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Port</source>
        <translation>連接埠</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Login (optional)</source>
        <translation>登入帳號（選填）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>empty: the server needs no login</source>
        <translation>留空：伺服器不需登入</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Password</source>
        <translation>密碼</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>From</source>
        <translation>寄件者</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To</source>
        <translation>收件者</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>one or more addresses, separated by commas</source>
        <translation>一個或多個電子郵件地址，以逗號分隔</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Channel access token</source>
        <translation>Channel access token（頻道存取權杖）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Send to (user or group ID)</source>
        <translation>傳送對象（使用者或群組 ID）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>API address</source>
        <translation>API 位址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bot token</source>
        <translation>Bot 權杖</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chat ID</source>
        <translation>聊天室 ID</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>URL</source>
        <translation>網址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bearer token (optional)</source>
        <translation>Bearer 權杖（選填）</translation>
    </message>
    <message>
        <location line="+212"/>
        <source>stored; leave empty to keep it</source>
        <translation>已儲存；留空則保留原本的值</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>required</source>
        <translation>必填</translation>
    </message>
    <message>
        <location line="-213"/>
        <source>password</source>
        <translation>密碼</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>token</source>
        <translation>權杖</translation>
    </message>
    <message>
        <location line="+259"/>
        <source>this channel needs its {0}</source>
        <translation>此通知管道需要{0}</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Not saved: {0}</source>
        <translation>未儲存：{0}</translation>
    </message>
</context>
<context>
    <name>ChannelsDialog</name>
    <message>
        <location line="-304"/>
        <source>E-mail</source>
        <translation>電子郵件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>LINE</source>
        <translation>LINE</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Telegram</source>
        <translation>Telegram</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Webhook</source>
        <translation>Webhook</translation>
    </message>
    <message>
        <location line="+327"/>
        <source>Name</source>
        <translation>名稱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kind</source>
        <translation>類型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sends to</source>
        <translation>傳送對象</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Language</source>
        <translation>語言</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>On</source>
        <translation>啟用</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting</source>
        <translation>待傳送</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sent</source>
        <translation>已傳送</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last error</source>
        <translation>最近的錯誤</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Notification channels</source>
        <translation>通知管道</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Alert messages go to every channel that is on, in the channel&apos;s language.</source>
        <translation>告警訊息會以各管道設定的語言，傳送到所有已啟用的通知管道。</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Add…</source>
        <translation>新增…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Edit…</source>
        <translation>編輯…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Remove…</source>
        <translation>移除…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Send test</source>
        <translation>傳送測試</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Send a test message through the selected channel now</source>
        <translation>立即透過所選的通知管道傳送測試訊息</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>No channels yet: add one, then send a test.</source>
        <translation>尚未設定通知管道：請新增一個，再傳送測試訊息。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Outbox: {0} waiting, {1} sent, {2} failed.</source>
        <translation>寄件匣：{0} 則待傳送、{1} 則已傳送、{2} 則失敗。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Last error ({0}): {1}</source>
        <translation>最近的錯誤（{0}）：{1}</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Saved: {0}.</source>
        <translation>已儲存：{0}。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Remove channel</source>
        <translation>移除通知管道</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Remove the channel {0} with its password or token and its outbox?</source>
        <translation>要移除通知管道「{0}」及其密碼或權杖與寄件匣嗎？</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Not removed: {0}</source>
        <translation>未移除：{0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Removed: {0}.</source>
        <translation>已移除：{0}。</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Sending a test message through {0}…</source>
        <translation>正在透過 {0} 傳送測試訊息…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Test message sent through {0}.</source>
        <translation>已透過 {0} 傳送測試訊息。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Test through {0} failed: {1}</source>
        <translation>透過 {0} 傳送測試失敗：{1}</translation>
    </message>
</context>
<context>
    <name>ConfigPage</name>
    <message>
        <location filename="../config_page.py" line="+127"/>
        <source>Template:</source>
        <translation>範本：</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Profile:</source>
        <translation>設定檔：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Browse…</source>
        <translation>瀏覽…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Overrides:</source>
        <translation>覆寫參數：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>optional, e.g. ssid=eduroam vlan=200 banner=&quot;Authorized use only&quot;</source>
        <translation>選填，例如 ssid=eduroam vlan=200 banner=&quot;僅限授權使用&quot;</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Change the profile for the one-SSID case: ssid, vlan, radius1, radius2, banner, ntp, syslog</source>
        <translation>單一 SSID 時可覆寫設定檔的值：ssid、vlan、radius1、radius2、banner、ntp、syslog</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Allow SSID restarts</source>
        <translation>允許重新啟動 SSID</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A controller refuses security changes on an enabled SSID: allow CampusNet to disable it and enable it again around them (its clients drop for a moment)</source>
        <translation>控制器不接受在啟用中的 SSID 變更安全設定：允許 CampusNet 先停用、變更後再啟用（已連線的裝置會短暫斷線）</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Devices</source>
        <translation>裝置</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Preview</source>
        <translation>預覽</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Push…</source>
        <translation>推送…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Device</source>
        <translation>裝置</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Status</source>
        <translation>狀態</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Compliance</source>
        <translation>符合性</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Message</source>
        <translation>訊息</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>History</source>
        <translation>歷史紀錄</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Backup</source>
        <translation>備份</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Time</source>
        <translation>時間</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Source</source>
        <translation>來源</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Compare selected backups</source>
        <translation>比較所選備份的差異</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Roll back to this backup…</source>
        <translation>還原到這份備份…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Bring the device back to the selected backup: the lines are sent under its revert timer and the result is checked</source>
        <translation>把設備還原到選取的備份：在自動還原計時器保護下送出設定，並檢查結果</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Pushed</source>
        <translation>推送時間</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Template</source>
        <translation>範本</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Result</source>
        <translation>結果</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>By</source>
        <translation>操作者</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>No SSH settings: set the SSH user and password with Edit device…</source>
        <translation>沒有 SSH 設定：請用「編輯設備…」設定 SSH 使用者與密碼</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>County profile</source>
        <translation>縣市設定檔</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Profiles (*.toml)</source>
        <translation>設定檔 (*.toml)</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Push configuration</source>
        <translation>推送設定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Push the %1 template to %2 device(s)? Each device is backed up first.</source>
        <translation>要將 %1 範本推送到 %2 台裝置嗎？每台裝置都會先備份。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Check at least one device.</source>
        <translation>請至少勾選一台裝置。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Overrides: %1</source>
        <translation>覆寫參數：%1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Previewing…</source>
        <translation>預覽中…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Pushing…</source>
        <translation>推送中…</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>rendered</source>
        <translation>已產生</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>previewed</source>
        <translation>已預覽</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no change needed</source>
        <translation>無需變更</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>rolled back</source>
        <translation>已還原</translation>
    </message>
    <message>
        <location line="-268"/>
        <source>Look at it…</source>
        <translation>查看設備狀態…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Secrets…</source>
        <translation>密鑰…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Store or replace the secrets the profile names (RADIUS, SNMPv3)</source>
        <translation>存入或更換設定檔用到的密鑰（RADIUS、SNMPv3）</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stop the push: what was sent to the current device is rolled back, later devices are not tried</source>
        <translation>停止推送：已送到目前設備的設定會還原，後面的設備不再推送</translation>
    </message>
    <message>
        <location line="+81"/>
        <source>%1 (not supported)</source>
        <translation>%1（不支援）</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>Stopping: rolling back what was sent to the current device…</source>
        <translation>停止中：正在還原已送到目前設備的設定…</translation>
    </message>
    <message>
        <location line="+68"/>
        <source>applied and saved</source>
        <translation>已套用並儲存</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>not tried</source>
        <translation>未執行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>NEEDS ATTENTION</source>
        <translation>需要處理</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>error</source>
        <translation>錯誤</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>edge</source>
        <translation>邊緣埠</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>AP</source>
        <translation>AP</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>uplink</source>
        <translation>上行埠</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>left alone</source>
        <translation>不變更</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>ok</source>
        <translation>符合</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 missing line(s)</source>
        <translation>不符合：缺少 %1 行</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+173"/>
        <source>Failed: %1</source>
        <translation>失敗：%1</translation>
    </message>
    <message>
        <location line="-155"/>
        <source>Preview done</source>
        <translation>預覽完成</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Push done</source>
        <translation>推送完成</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: %2 of %3 device(s) ok</source>
        <translation>%1：%3 台裝置中 %2 台成功</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>New configuration saved on: %1</source>
        <translation>已套用並儲存新設定的設備：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Running but NOT saved on: %1</source>
        <translation>已生效但尚未儲存的設備：%1</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Change:</source>
        <translation>變更：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No change needed.</source>
        <translation>不需要變更。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Checked after applying:</source>
        <translation>套用後另外檢查：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Port roles (edge ports get the edge protection; others are left alone):</source>
        <translation>連接埠角色（只有邊緣埠套用邊緣埠保護，其他連接埠不變更）：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Notes:</source>
        <translation>說明：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Rendered lines:</source>
        <translation>產生的設定行：</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Profile: %1</source>
        <translation>設定檔：%1</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Select one backup to roll back to.</source>
        <translation>請選取一份要還原的備份。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Roll back</source>
        <translation>還原</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Bring %1 back to backup %2? Its configuration is backed up first.</source>
        <translation>要把 %1 還原到備份 %2 嗎？會先備份目前的設定。</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>An interrupted configuration push was found (%1): look at the device to finish or roll it back.</source>
        <translation>發現中斷的設定推送（%1）：請查看設備狀態，完成或還原。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Looking at the devices of the interrupted pushes…</source>
        <translation>正在查看中斷推送的設備…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Finishing the push to %1…</source>
        <translation>正在完成 %1 的推送…</translation>
    </message>
    <message>
        <location line="-65"/>
        <location line="+65"/>
        <source>Rolling back %1…</source>
        <translation>正在還原 %1…</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Backups of %1</source>
        <translation>%1 的備份</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>A diff needs two backups.</source>
        <translation>比較差異需要兩份備份。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1 pushed %2 on %3: %4</source>
        <translation>%1 於 %3 推送 %2：%4</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No change was sent.</source>
        <translation>未送出任何變更。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Rollback:</source>
        <translation>還原內容：</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>No differences.</source>
        <translation>沒有差異。</translation>
    </message>
</context>
<context>
    <name>CoreBridge</name>
    <message>
        <location filename="../bridge.py" line="+180"/>
        <source>exit status {0}</source>
        <translation>結束代碼 {0}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Polling stopped: {0}. Poll now tries again; the log may say more.</source>
        <translation>輪詢已停止：{0}。按「立即輪詢」可再試一次；記錄檔可能有更多說明。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The poller stopped ({0}); starting it again…</source>
        <translation>輪詢程式已停止（{0}），正在重新啟動…</translation>
    </message>
</context>
<context>
    <name>CountPlot</name>
    <message>
        <location filename="../wireless_plot.py" line="-34"/>
        <source>Clients</source>
        <translation>用戶端</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>APs</source>
        <translation>基地台</translation>
    </message>
    <message>
        <location line="+112"/>
        <source>Could not read the history: {0}</source>
        <translation>無法讀取歷史資料：{0}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Clients in all</source>
        <translation>用戶端總數</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>APs online</source>
        <translation>連線中的基地台</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>APs registered</source>
        <translation>已註冊的基地台</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>AP %1</source>
        <translation>基地台 %1</translation>
    </message>
</context>
<context>
    <name>CsvImportDialog</name>
    <message>
        <location filename="../csv_dialog.py" line="+130"/>
        <source>Import devices from CSV</source>
        <translation>從 CSV 匯入裝置</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>One device per row, with a header row. Only name and host are required; the other columns are snmp_version, community, snmp_port, role, location, platform, the v3_… and ssh_… settings. Headers 名稱, 主機, 位置 and 角色 are accepted. Save from Excel as “CSV UTF-8” (Big5 and GBK work too).</source>
        <translation>每列一台裝置，第一列為標題列。只有 name 與 host 為必填；其他欄位有 snmp_version、community、snmp_port、role、location、platform，以及 v3_… 與 ssh_… 等設定。標題也可使用「名稱」、「主機」、「位置」與「角色」。請在 Excel 中另存為「CSV UTF-8」（Big5 與 GBK 編碼也可以）。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Choose file…</source>
        <translation>選擇檔案…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Download template…</source>
        <translation>下載範本…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Line</source>
        <translation>列</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Name</source>
        <translation>名稱</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Import devices</source>
        <translation>匯入裝置</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV 檔案 (*.csv);;所有檔案 (*)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Save template</source>
        <translation>儲存範本</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 檔案 (*.csv)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cannot write {0}: {1}</source>
        <translation>無法寫入 {0}：{1}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Template saved to {0}</source>
        <translation>範本已儲存到 {0}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Importing…</source>
        <translation>匯入中…</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>1 device added</source>
        <translation>已新增 1 台裝置</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>{0} devices added</source>
        <translation>已新增 {0} 台裝置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0}, {1} rejected</source>
        <translation>{0}，{1} 筆未匯入</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> (cancelled before the end)</source>
        <translation>（未完成即取消）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Nothing imported: {0}</source>
        <translation>沒有匯入任何裝置：{0}</translation>
    </message>
</context>
<context>
    <name>CustomRangeDialog</name>
    <message>
        <location filename="../plot.py" line="-285"/>
        <source>Custom range</source>
        <translation>自訂時間範圍</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>From</source>
        <translation>開始時間</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To</source>
        <translation>結束時間</translation>
    </message>
</context>
<context>
    <name>Dashboard</name>
    <message>
        <location filename="../dashboard.py" line="+42"/>
        <source>alert</source>
        <translation>告警</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>alert resolved</source>
        <translation>告警已恢復</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>alert flapping</source>
        <translation>告警反覆變動</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>configuration backup failed</source>
        <translation>組態備份失敗</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>configuration backups work again</source>
        <translation>組態備份已恢復正常</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>AP down</source>
        <translation>AP 離線</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>AP up</source>
        <translation>AP 上線</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>scheduled report failed</source>
        <translation>排程報表產生失敗</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>disk full: polls not kept</source>
        <translation>磁碟已滿：輪詢結果未保存</translation>
    </message>
    <message>
        <location line="+56"/>
        <location line="+2"/>
        <location line="+1"/>
        <source>Device</source>
        <translation>裝置</translation>
    </message>
    <message>
        <location line="-3"/>
        <location line="+2"/>
        <source>Port</source>
        <translation>連接埠</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>In</source>
        <translation>流入</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Out</source>
        <translation>流出</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Utilization</source>
        <translation>使用率</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Errors</source>
        <translation>錯誤</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Discards</source>
        <translation>丟棄</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Time</source>
        <translation>時間</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Detail</source>
        <translation>詳細資訊</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Busiest uplinks</source>
        <translation>流量最高的上行鏈路</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ports with errors (last hour)</source>
        <translation>有錯誤的連接埠（最近一小時）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Uplink traffic</source>
        <translation>上行鏈路流量</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recent events</source>
        <translation>最近事件</translation>
    </message>
    <message>
        <location line="+73"/>
        <source>Devices up: {0} of {1}</source>
        <translation>上線裝置：{0} / {1}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not answering: {0}</source>
        <translation>沒有回應：{0}</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Wi-Fi: {0} of {1} APs online, {2} clients</source>
        <translation>Wi-Fi：無線基地台 {0} / {1} 台連線中，用戶端 {2} 個</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0} AP(s) offline</source>
        <translation>{0} 台無線基地台離線</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open the school-wide Wireless page</source>
        <translation>開啟全校無線網路頁面</translation>
    </message>
    <message>
        <location filename="../i18n.py" line="-20"/>
        <source>up</source>
        <translation>上線</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unreachable</source>
        <translation>離線</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>error</source>
        <translation>錯誤</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="-175"/>
        <location filename="../i18n.py" line="+2"/>
        <source>device down</source>
        <translation>裝置離線</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../i18n.py" line="+1"/>
        <source>device up</source>
        <translation>裝置上線</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../i18n.py" line="+1"/>
        <source>restarted</source>
        <translation>已重新啟動</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../i18n.py" line="+1"/>
        <source>port down</source>
        <translation>連接埠斷線</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../i18n.py" line="+1"/>
        <source>port up</source>
        <translation>連接埠連線</translation>
    </message>
</context>
<context>
    <name>DeviceDialog</name>
    <message>
        <location filename="../device_dialog.py" line="+108"/>
        <source>Edit device</source>
        <translation>編輯裝置</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Add device</source>
        <translation>新增裝置</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>e.g. core-switch</source>
        <translation>例如 core-switch</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>IP address or host name</source>
        <translation>IP 位址或主機名稱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name:</source>
        <translation>名稱：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Host:</source>
        <translation>主機：</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Show</source>
        <translation>顯示</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>SNMP port:</source>
        <translation>SNMP 連接埠：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SNMP version:</source>
        <translation>SNMP 版本：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Community:</source>
        <translation>Community 字串：</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+2"/>
        <source>none</source>
        <translation>無</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>SNMPv3 user:</source>
        <translation>SNMPv3 使用者：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Authentication:</source>
        <translation>驗證：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Auth key:</source>
        <translation>驗證金鑰：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Privacy:</source>
        <translation>加密：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Privacy key:</source>
        <translation>加密金鑰：</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Switch</source>
        <translation>交換器</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Access point</source>
        <translation>無線基地台</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wireless controller</source>
        <translation>無線控制器</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Router</source>
        <translation>路由器</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Firewall</source>
        <translation>防火牆</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>e.g. building, floor or room</source>
        <translation>例如大樓、樓層或教室</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>auto: recognised from the device&apos;s answers</source>
        <translation>auto：依裝置的回應自動辨識</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Role:</source>
        <translation>角色：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Location:</source>
        <translation>位置：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Platform:</source>
        <translation>平台：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Timeout:</source>
        <translation>逾時：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Retries:</source>
        <translation>重試次數：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>SSH (for configuration push)</source>
        <translation>SSH（用於推送設定）</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>same as host when empty</source>
        <translation>留空時與主機相同</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>SSH host:</source>
        <translation>SSH 主機：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SSH port:</source>
        <translation>SSH 連接埠：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SSH user:</source>
        <translation>SSH 使用者：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SSH password:</source>
        <translation>SSH 密碼：</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Test connection</source>
        <translation>測試連線</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>unchanged when left empty</source>
        <translation>留空則不變更</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>Cannot save: {0}</source>
        <translation>無法儲存：{0}</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Testing…</source>
        <translation>測試中…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Test cancelled.</source>
        <translation>已取消測試。</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>No connection: {0}</source>
        <translation>無法連線：{0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The test failed unexpectedly: {0}</source>
        <translation>測試發生非預期的錯誤：{0}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>an SNMP agent</source>
        <translation>SNMP 代理程式</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Answered in {0} s: {1}</source>
        <translation>{0} 秒內回應：{1}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>, sysName {0}</source>
        <translation>，sysName {0}</translation>
    </message>
</context>
<context>
    <name>DevicePage</name>
    <message>
        <location filename="../main_window.py" line="+303"/>
        <source>Ports</source>
        <translation>連接埠</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Filter ports…</source>
        <translation>篩選連接埠…</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>Important (alert when it goes down)</source>
        <translation>重要（斷線時告警）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Uplink</source>
        <translation>上行鏈路</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Vendor: {0}  Model: {1}  Uptime: {2} days</source>
        <translation>廠牌：{0}  型號：{1}  運作時間：{2} 天</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Wireless</source>
        <translation>無線網路</translation>
    </message>
    <message>
        <location filename="../i18n.py" line="-17"/>
        <source>up</source>
        <translation>上線</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unreachable</source>
        <translation>離線</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>error</source>
        <translation>錯誤</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
</context>
<context>
    <name>EventsPage</name>
    <message>
        <location filename="../events_page.py" line="+104"/>
        <source>Last 24 hours</source>
        <translation>最近 24 小時</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Everything kept</source>
        <translation>保留的全部紀錄</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>All events</source>
        <translation>所有事件</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+70"/>
        <source>All devices</source>
        <translation>所有裝置</translation>
    </message>
    <message>
        <location line="-67"/>
        <source>Search device, port, detail…</source>
        <translation>搜尋裝置、連接埠、詳細資訊…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Period:</source>
        <translation>期間：</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Event:</source>
        <translation>事件：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Device:</source>
        <translation>裝置：</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Time</source>
        <translation>時間</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Device</source>
        <translation>裝置</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Port</source>
        <translation>連接埠</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Detail</source>
        <translation>詳細資訊</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Export CSV…</source>
        <translation>匯出 CSV…</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Could not read the events: {0}</source>
        <translation>無法讀取事件：{0}</translation>
    </message>
    <message>
        <location line="+45"/>
        <source> (the newest {0} only)</source>
        <translation>（僅最新 {0} 筆）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} of {1} event(s)</source>
        <translation>{1} 筆事件中顯示 {0} 筆</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Export events</source>
        <translation>匯出事件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Could not write {0}: {1}</source>
        <translation>無法寫入 {0}：{1}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Exported to {0}</source>
        <translation>已匯出至 {0}</translation>
    </message>
</context>
<context>
    <name>FirstRunPanel</name>
    <message>
        <location filename="../main_window.py" line="-167"/>
        <source>Welcome to CampusNet</source>
        <translation>歡迎使用 CampusNet</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No devices yet. Add your switches and access points, or try the demo network.</source>
        <translation>尚未加入任何裝置。請新增學校的交換器與無線基地台，或先試用示範網路。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Add device…</source>
        <translation>新增裝置…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import CSV…</source>
        <translation>匯入 CSV…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Try the demo</source>
        <translation>試用示範網路</translation>
    </message>
</context>
<context>
    <name>InterruptedDialog</name>
    <message>
        <location filename="../config_dialogs.py" line="+127"/>
        <source>Interrupted pushes</source>
        <translation>中斷的推送</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&lt;b&gt;%1&lt;/b&gt;: push of %2 started %3 by %4, last step: %5</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;：%4 於 %3 開始推送 %2，最後步驟：%5</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Finish (confirm and save)</source>
        <translation>完成（確認並儲存）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Roll back to the backup</source>
        <translation>還原到備份</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../main_window.py" line="-187"/>
        <source>Switches</source>
        <translation>交換器</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Access points</source>
        <translation>無線基地台</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wireless controllers</source>
        <translation>無線控制器</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Routers</source>
        <translation>路由器</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Firewalls</source>
        <translation>防火牆</translation>
    </message>
    <message>
        <location line="+376"/>
        <source>CampusNet</source>
        <translation>CampusNet</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>By location</source>
        <translation>依位置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>By role</source>
        <translation>依角色</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Add device…</source>
        <translation>新增裝置…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Edit device…</source>
        <translation>編輯裝置…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove device…</source>
        <translation>移除裝置…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Configuration…</source>
        <translation>組態推送…</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+286"/>
        <source>Alerts</source>
        <translation>告警</translation>
    </message>
    <message>
        <location line="-285"/>
        <source>Wireless</source>
        <translation>無線網路</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>APs and clients of the whole school</source>
        <translation>全校的無線基地台與用戶端</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Alert rules…</source>
        <translation>告警規則…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Notification channels…</source>
        <translation>通知管道…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import CSV…</source>
        <translation>匯入 CSV…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Usage report…</source>
        <translation>使用報告…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Poll now</source>
        <translation>立即輪詢</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pause polling</source>
        <translation>暫停輪詢</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Quit</source>
        <translation>結束</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Settings…</source>
        <translation>設定…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;File</source>
        <translation>檔案(&amp;F)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Device</source>
        <translation>裝置(&amp;D)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Polling</source>
        <translation>輪詢(&amp;P)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Alerts</source>
        <translation>告警(&amp;A)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Main</source>
        <translation>主工具列</translation>
    </message>
    <message>
        <location line="+71"/>
        <source>Remove device</source>
        <translation>移除裝置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove {0} with all its history? This cannot be undone.</source>
        <translation>要移除 {0} 及其所有歷史資料嗎？此動作無法復原。</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Polling…</source>
        <translation>輪詢中…</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>(no location)</source>
        <translation>（未設定位置）</translation>
    </message>
    <message>
        <location line="+94"/>
        <source>Alerts ({0})</source>
        <translation>告警 ({0})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0} alert(s) firing, {1} not acknowledged</source>
        <translation>{0} 項告警中，{1} 項尚未確認</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No alert is firing</source>
        <translation>目前沒有告警</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Could not mark the port: {0}</source>
        <translation>無法標記連接埠：{0}</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Polling is off</source>
        <translation>輪詢已關閉</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Polling paused</source>
        <translation>輪詢已暫停</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Waiting for the first poll…</source>
        <translation>等待第一次輪詢…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Last poll {0}, next {1}, {2} device(s) failing</source>
        <translation>上次輪詢 {0}，下次 {1}，{2} 台裝置異常</translation>
    </message>
    <message>
        <location filename="../i18n.py" line="+1"/>
        <source>up</source>
        <translation>上線</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unreachable</source>
        <translation>離線</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>error</source>
        <translation>錯誤</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="-350"/>
        <source>Dashboard</source>
        <translation>儀表板</translation>
    </message>
    <message>
        <location line="-90"/>
        <source>CampusNet — demo network</source>
        <translation>CampusNet — 示範網路</translation>
    </message>
</context>
<context>
    <name>PortsModel</name>
    <message>
        <location line="-287"/>
        <source>ifIndex</source>
        <translation>ifIndex</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name</source>
        <translation>名稱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Alias</source>
        <translation>別名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>狀態</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Speed</source>
        <translation>速率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>In</source>
        <translation>流入</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Out</source>
        <translation>流出</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Utilization</source>
        <translation>使用率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Errors/s</source>
        <translation>錯誤/秒</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>uplink</source>
        <translation>上行鏈路</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>important: alerts when down</source>
        <translation>重要：斷線時告警</translation>
    </message>
    <message>
        <location filename="../i18n.py" line="-15"/>
        <source>up</source>
        <translation>已連線</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>down</source>
        <translation>未連線</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>testing</source>
        <translation>測試中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>dormant</source>
        <translation>休眠</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>notPresent</source>
        <translation>不存在</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>lowerLayerDown</source>
        <translation>下層斷線</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <location filename="../report_dialog.py" line="+121"/>
        <source>Usage report</source>
        <translation>使用報告</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Press Preview to see the report here.</source>
        <translation>按「預覽」即可在此檢視報告。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Preview</source>
        <translation>預覽</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save as…</source>
        <translation>另存新檔…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Close</source>
        <translation>關閉</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Report</source>
        <translation>報告</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Last week (Monday to Sunday)</source>
        <translation>上週（週一至週日）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This month so far</source>
        <translation>本月至今</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last month</source>
        <translation>上個月</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Custom dates</source>
        <translation>自訂日期</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Period</source>
        <translation>期間</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Dates</source>
        <translation>日期</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Devices</source>
        <translation>裝置</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Uplinks</source>
        <translation>上行鏈路</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All ports</source>
        <translation>所有連接埠</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ports</source>
        <translation>連接埠</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Busiest ports listed</source>
        <translation>列出流量最大的連接埠數</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Language</source>
        <translation>語言</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>shown at the top of every page</source>
        <translation>顯示於每頁頁首</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>School name</source>
        <translation>學校名稱</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Scheduled reports</source>
        <translation>排程報告</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Last week&apos;s report every Monday</source>
        <translation>每週一產生上週報告</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last month&apos;s report on the 1st</source>
        <translation>每月 1 日產生上個月報告</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Browse…</source>
        <translation>瀏覽…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Folder</source>
        <translation>資料夾</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Formats</source>
        <translation>格式</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>E-mail through</source>
        <translation>以電子郵件寄送（管道）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The app or the background service writes them while it runs, in the language chosen above.</source>
        <translation>程式或背景服務執行時會自動產生，語言依上方的選擇。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Save schedule</source>
        <translation>儲存排程</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>(no e-mail)</source>
        <translation>（不寄送）</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Folder for scheduled reports</source>
        <translation>排程報告的資料夾</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>PDF report (*.pdf)</source>
        <translation>PDF 報告 (*.pdf)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 活頁簿 (*.xlsx)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>CSV for scripts (*.csv)</source>
        <translation>CSV 供程式使用 (*.csv)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save the report</source>
        <translation>儲存報告</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Cancelling…</source>
        <translation>取消中…</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Computing the report…</source>
        <translation>正在計算報告…</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cancelled: nothing was written.</source>
        <translation>已取消：未寫入任何檔案。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>%1 port(s) of %2 device(s)</source>
        <translation>%2 台裝置的 %1 個連接埠</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Saved %1</source>
        <translation>已儲存 %1</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Saved</source>
        <translation>已儲存</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Saved: nothing scheduled</source>
        <translation>已儲存：未排程任何報告</translation>
    </message>
</context>
<context>
    <name>SecretsDialog</name>
    <message>
        <location filename="../config_dialogs.py" line="-95"/>
        <source>Profile secrets</source>
        <translation>設定檔密鑰</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The profile names these secrets; their values are kept in %1, never in the profile or the store.</source>
        <translation>設定檔用到以下密鑰；密鑰值存放在 %1，不會寫入設定檔或資料庫。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>new value (leave empty to keep)</source>
        <translation>新的值（留空則不變）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>This profile names no stored secrets.</source>
        <translation>這個設定檔沒有用到需要存放的密鑰。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>stored</source>
        <translation>已存放</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>MISSING</source>
        <translation>未設定</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Saved.</source>
        <translation>已儲存。</translation>
    </message>
</context>
<context>
    <name>ServiceWatch</name>
    <message>
        <location filename="../service_watch.py" line="+141"/>
        <source>Polled by the background service (pid {0})</source>
        <translation>由背景服務輪詢中（pid {0}）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Polled by CampusNet in another window (pid {0})</source>
        <translation>由另一個 CampusNet 視窗輪詢中（pid {0}）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Polled by another CampusNet program (pid {0})</source>
        <translation>由另一個 CampusNet 程式輪詢中（pid {0}）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{0} — last poll {1}, {2} device(s) failing</source>
        <translation>{0}，上次輪詢 {1}，{2} 台裝置異常</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The background service polls this store. Stop the service to poll from this window.</source>
        <translation>背景服務正在輪詢這個資料庫。要從這個視窗輪詢，請先停止背景服務。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Another CampusNet program polls this store. Stop it to poll from this window.</source>
        <translation>另一個 CampusNet 程式正在輪詢這個資料庫。要從這個視窗輪詢，請先停止它。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the background service stopped at {0}; this window polls now</source>
        <translation>背景服務已於 {0} 停止，改由這個視窗輪詢</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the other poller stopped at {0}; this window polls now</source>
        <translation>另一個輪詢程式已於 {0} 停止，改由這個視窗輪詢</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../settings_dialog.py" line="+136"/>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Notifications…</source>
        <translation>通知管道…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Where alert messages go: e-mail, LINE, Telegram, webhook</source>
        <translation>告警訊息的傳送方式：電子郵件、LINE、Telegram、Webhook</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Polling</source>
        <translation>輪詢</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Poll every</source>
        <translation>輪詢間隔</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Devices polled at once</source>
        <translation>同時輪詢的裝置數</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Give up on a device after</source>
        <translation>單台裝置最多等待</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SNMP timeout for new devices</source>
        <translation>新裝置的 SNMP 逾時</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SNMP retries for new devices</source>
        <translation>新裝置的 SNMP 重試次數</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> h</source>
        <translation> 小時</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Off</source>
        <translation>關閉</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Devices with SSH settings have their configuration read and kept on this schedule</source>
        <translation>已設定 SSH 的裝置會依此排程讀取並保存組態</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Back up configurations every</source>
        <translation>組態備份間隔</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>History</source>
        <translation>歷史資料</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Keep every poll for</source>
        <translation>每次輪詢的原始資料保留</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keep 5-minute averages for</source>
        <translation>5 分鐘平均保留</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keep 30-minute averages for</source>
        <translation>30 分鐘平均保留</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keep 2-hour averages for</source>
        <translation>2 小時平均保留</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keep daily averages for</source>
        <translation>每日平均保留</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Application</source>
        <translation>應用程式</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>System default</source>
        <translation>系統預設</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Language</source>
        <translation>語言</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The new language applies to windows opened from now on.</source>
        <translation>新的語言會套用到之後開啟的視窗。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Keep polling in the system tray when the window is closed</source>
        <translation>關閉視窗後，在系統匣繼續輪詢</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Start minimized to the tray</source>
        <translation>啟動時縮小到系統匣</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>About {0} MB of history for {1} port(s) at this polling interval.</source>
        <translation>以目前的輪詢間隔，{1} 個連接埠的歷史資料約佔 {0} MB。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>About {0} MB of history per port at this polling interval.</source>
        <translation>以目前的輪詢間隔，每個連接埠的歷史資料約佔 {0} MB。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Could not save the settings: {0}</source>
        <translation>無法儲存設定：{0}</translation>
    </message>
</context>
<context>
    <name>SsidTable</name>
    <message>
        <location filename="../wireless_page.py" line="-129"/>
        <source>SSID</source>
        <translation>SSID</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Clients</source>
        <translation>用戶端</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Tick an SSID to draw its clients in the graph</source>
        <translation>勾選 SSID，在圖表中畫出它的用戶端數</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <location filename="../tray.py" line="+57"/>
        <source>en</source>
        <comment>the language code of this translation: zh_TW</comment>
        <translation>zh_TW</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>and {0} more</source>
        <translation>還有 {0} 則</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CampusNet: {0} alert messages</source>
        <translation>CampusNet：{0} 則告警訊息</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Open CampusNet</source>
        <translation>開啟 CampusNet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Poll now</source>
        <translation>立即輪詢</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+38"/>
        <source>Pause polling</source>
        <translation>暫停輪詢</translation>
    </message>
    <message>
        <location line="-37"/>
        <source>Quit</source>
        <translation>結束</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>CampusNet</source>
        <translation>CampusNet</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Resume polling</source>
        <translation>繼續輪詢</translation>
    </message>
</context>
<context>
    <name>WelcomeDialog</name>
    <message>
        <location filename="../welcome.py" line="+113"/>
        <location line="+1"/>
        <source>Welcome to CampusNet</source>
        <translation>歡迎使用 CampusNet</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>CampusNet watches your school&apos;s switches, access points and wireless controllers: what is up, how full the uplinks are, and the history for reports. Start by adding your devices, or look around a simulated school network first.</source>
        <translation>CampusNet 會監看學校的交換器、無線基地台和無線控制器：哪些設備正常運作、上行鏈路的頻寬用了多少，並保留歷史紀錄供報表使用。請先新增您的裝置，或先到模擬的校園網路看看。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Language:</source>
        <translation>語言：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add a device</source>
        <translation>新增一台裝置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import CSV…</source>
        <translation>匯入 CSV…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Try the demo</source>
        <translation>試用示範網路</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Don&apos;t show again</source>
        <translation>不要再顯示</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Close</source>
        <translation>關閉</translation>
    </message>
</context>
<context>
    <name>WirelessOverview</name>
    <message>
        <location filename="../wireless_overview.py" line="+99"/>
        <source>Wireless: the whole school</source>
        <translation>無線網路：全校</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No wireless data yet: add a wireless controller or AP (role controller or ap) and let it poll.</source>
        <translation>尚無無線網路資料：請新增無線控制器或無線基地台（角色選 controller 或 ap），並等它輪詢。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Clients by SSID, all controllers</source>
        <translation>依 SSID 的用戶端（所有控制器）</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Controller or AP</source>
        <translation>控制器或基地台</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>APs online</source>
        <translation>連線中的基地台</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>APs registered</source>
        <translation>已註冊的基地台</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Offline APs</source>
        <translation>離線基地台</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Clients</source>
        <translation>用戶端</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Latest data</source>
        <translation>最新資料</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Double-click a controller to open its APs</source>
        <translation>按兩下控制器可開啟它的無線基地台</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Could not read the wireless data: {0}</source>
        <translation>無法讀取無線網路資料：{0}</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>not given by: {0}</source>
        <translation>未提供此數字：{0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} from the devices that give it; not given by: {1}</source>
        <translation>有提供的裝置合計 {0}；未提供：{1}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>sum over {0} device(s)</source>
        <translation>{0} 台裝置的合計</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>{0} — failed: {1}</source>
        <translation>{0} — 失敗：{1}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{0} AP(s) offline</source>
        <translation>{0} 台無線基地台離線</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the latest poll failed: {0}</source>
        <translation>最近一次輪詢失敗：{0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no AP offline</source>
        <translation>沒有離線的無線基地台</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The device&apos;s MIB does not give this figure.</source>
        <translation>這台裝置的 MIB 沒有提供這個數字。</translation>
    </message>
</context>
<context>
    <name>WirelessPage</name>
    <message>
        <location filename="../wireless_page.py" line="-132"/>
        <source>not given by this device</source>
        <translation>這台裝置未提供</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the AP itself (it answers)</source>
        <translation>基地台本身（有回應）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>sum of {0}</source>
        <translation>{0} 的合計</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{0} d {1} h</source>
        <translation>{0} 天 {1} 小時</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0} h {1} min</source>
        <translation>{0} 小時 {1} 分鐘</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} min</source>
        <translation>{0} 分鐘</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>radio {0}</source>
        <translation>射頻 {0}</translation>
    </message>
    <message>
        <location line="+272"/>
        <source>APs online</source>
        <translation>連線中的基地台</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>APs registered</source>
        <translation>已註冊的基地台</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Clients</source>
        <translation>用戶端</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>No wireless data for this device.</source>
        <translation>這台裝置沒有無線網路資料。</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Filter APs by name, status, IP, MAC, model, location…</source>
        <translation>依名稱、狀態、IP、MAC、型號、位置篩選無線基地台…</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>This device gives no AP table, only the counts above.</source>
        <translation>這台裝置沒有提供無線基地台清單，只有上方的數字。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The device gives no clients per SSID.</source>
        <translation>這台裝置沒有提供各 SSID 的用戶端數。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Clients by SSID</source>
        <translation>依 SSID 的用戶端</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>Could not read the wireless data: {0}</source>
        <translation>無法讀取無線網路資料：{0}</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>The device&apos;s MIB does not give this figure.</source>
        <translation>這台裝置的 MIB 沒有提供這個數字。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>never</source>
        <translation>從未</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Latest wireless data: {0} (read with the {1} module)</source>
        <translation>最新無線網路資料：{0}（以 {1} 模組讀取）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The latest poll could not read the wireless data: {0}</source>
        <translation>最近一次輪詢無法讀取無線網路資料：{0}</translation>
    </message>
</context>
</TS>
