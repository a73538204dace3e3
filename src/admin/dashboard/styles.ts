/**
 * The dashboard's style sheet, served as `/dashboard/app.<hash>.css`. System fonts only; colours
 * follow `prefers-color-scheme`. Every phase has a glyph and its name besides its colour.
 */
export const STYLES = `:root{color-scheme:light dark;--bg:#f4f5f7;--fg:#1d2129;--muted:#5f6673;--card:#fff;--line:#e2e5ea;--soft:#eef0f3;--accent:#3462c9;--on-accent:#fff;--ok:#2e8555;--warn:#a86200;--bad:#c0392b;--idle:#6b7280;--night:#6d4fc2;
--s1:#3462c9;--s2:#d9822b;--s3:#2e8555;--s4:#9b59b6;--shadow:0 1px 2px rgba(0,0,0,.04),0 6px 20px rgba(0,0,0,.05)}
@media (prefers-color-scheme:dark){:root{--bg:#0f1216;--fg:#e6e8ec;--muted:#9ba2ae;--card:#171b21;--line:#2a3038;--soft:#20262e;--accent:#7fa6f5;--on-accent:#0f1216;--ok:#62c48e;--warn:#e0a458;--bad:#f0837a;--idle:#9ba2ae;--night:#b39df0;--s1:#7fa6f5;--s2:#e0a458;--s3:#62c48e;--s4:#c39bd3;--shadow:none}}
*{box-sizing:border-box}
html,body{margin:0}
body{background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
button,input,select{font:inherit;color:inherit}
a{color:var(--accent)}
h1,h2,h3{margin:0;font-weight:600}
.vh{position:absolute!important;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
[hidden]{display:none!important}
.top{display:flex;align-items:center;gap:1rem;padding:.75rem 1.5rem;background:var(--card);border-bottom:1px solid var(--line)}
.top h1{font-size:1.125rem;letter-spacing:.01em}
.top .spacer{flex:1}
.live{display:inline-flex;align-items:center;gap:.375rem;color:var(--muted);font-size:.8125rem}
.live::before{content:"";width:.5rem;height:.5rem;border-radius:50%;background:var(--idle)}
.live[data-state=live]::before{background:var(--ok)}
.live[data-state=reconnecting]::before,.live[data-state=offline]::before{background:var(--bad)}
main{max-width:1440px;margin:0 auto;padding:1.25rem 1.5rem 3rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;box-shadow:var(--shadow)}
.stats{display:flex;flex-wrap:wrap;gap:.75rem}
.stat{flex:1 1 160px;padding:.875rem 1rem}
.stat h2{font-size:.75rem;font-weight:600;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.big{margin:.25rem 0 0;font-size:1.5rem;font-weight:600;font-variant-numeric:tabular-nums}
.big small{font-size:.875rem;font-weight:400;color:var(--muted)}
.sub{margin:.125rem 0 0;color:var(--muted);font-size:.8125rem;font-variant-numeric:tabular-nums}
.stat-fleet{flex:2 1 440px}
.stat-savings{flex:2 1 400px}
.figures{display:flex;flex-wrap:wrap;gap:.25rem 2rem}
.figure{display:flex;flex-direction:column;margin:.25rem 0 0}
.figure .big{margin:0}
.figure .sub{margin:0}
.stat-savings>.sub{margin-top:.5rem}
.chips{display:flex;flex-wrap:wrap;gap:.3rem;margin-top:.5rem}
.chip{display:inline-flex;align-items:center;gap:.3rem;padding:.125rem .5rem;border:1px solid var(--line);border-radius:999px;background:transparent;cursor:pointer;font-size:.8125rem;font-variant-numeric:tabular-nums}
.chip[aria-pressed=true]{border-color:var(--accent);background:var(--soft)}
.chip b{font-weight:600}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:.75rem;margin-top:.75rem}
.chart{margin:0;padding:.875rem 1rem .5rem;min-width:0}
.chart-head{display:flex;flex-wrap:wrap;align-items:baseline;justify-content:space-between;gap:.5rem}
.chart h2,.list h2{font-size:.9375rem}
.legend{display:flex;flex-wrap:wrap;gap:.875rem;margin:0;padding:0;list-style:none;color:var(--muted);font-size:.8125rem}
.legend li{display:inline-flex;align-items:center;gap:.375rem}
.legend svg{flex:none}
.plot{min-height:190px;margin-top:.25rem}
.plot svg{display:block;max-width:100%;overflow:visible}
.empty{margin:0;padding:1.5rem 0;color:var(--muted);text-align:center}
.plot .empty{padding:4.5rem 0 0}
.grid{stroke:var(--line);stroke-width:1}
.axis{stroke:var(--muted);stroke-width:1}
.tick{fill:var(--muted);font-size:11px;font-variant-numeric:tabular-nums}
.axis-title{fill:var(--muted);font-size:11px}
.line{fill:none;stroke-width:2;stroke-linejoin:round;stroke-linecap:round}
.line.k-p50,.mark.k-p50{stroke:var(--s1)}
.line.k-p95,.mark.k-p95{stroke:var(--s2);stroke-dasharray:5 3}
.mark{fill:var(--card);stroke-width:2}
.mark.k-p95{stroke-dasharray:none}
.line.k-held{stroke:var(--s1)}
.area.k-held{fill:var(--s1);opacity:.15}
.list{margin-top:.75rem}
.toolbar{display:flex;flex-wrap:wrap;align-items:center;gap:.75rem;padding:.75rem 1rem;border-bottom:1px solid var(--line)}
.toolbar h2{margin-right:auto}
.toolbar input,.toolbar select,.dialog input{padding:.375rem .625rem;border:1px solid var(--line);border-radius:8px;background:var(--bg)}
.toolbar input{width:16rem;max-width:100%}
.toolbar label{color:var(--muted)}
.table-wrap{overflow-x:auto}
table{width:100%;border-collapse:collapse}
#environments{table-layout:fixed}
.c-phase{width:9.5rem}.c-activity{width:8.5rem}.c-sleeps{width:6.5rem}.c-wake{width:6.5rem}.c-replicas{width:5.5rem}.c-keep{width:8.5rem}.c-actions{width:17rem}
th,td{padding:.5rem .75rem;text-align:left;vertical-align:middle;border-bottom:1px solid var(--line)}
thead th{font-size:.75rem;font-weight:600;color:var(--muted);text-transform:uppercase;letter-spacing:.04em;white-space:nowrap;vertical-align:bottom;background:var(--card)}
tbody tr:hover{background:var(--soft)}
tbody tr.selected{background:var(--soft);box-shadow:inset 3px 0 0 var(--accent)}
tbody tr{cursor:pointer}
tbody th{font-weight:400}
.id a{font-weight:600;text-decoration:none;color:var(--fg);overflow-wrap:anywhere}
.id a:hover,.id a:focus-visible{text-decoration:underline}
.meta{display:block;color:var(--muted);font-size:.75rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.num,.time{font-variant-numeric:tabular-nums;white-space:nowrap}
.step{display:block;margin-top:.125rem;color:var(--muted);font-size:.75rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.badge{display:inline-flex;align-items:center;gap:.3rem;padding:.0625rem .5rem;border-radius:999px;font-size:.8125rem;font-weight:600;white-space:nowrap;color:var(--idle);background:color-mix(in srgb,currentColor 13%,transparent)}
.badge .glyph{font-size:.75rem;line-height:1}
.badge[data-phase=awake]{color:var(--ok)}
.badge[data-phase=waking]{color:var(--accent)}
.badge[data-phase=sleeping]{color:var(--night)}
.badge[data-phase=failed]{color:var(--bad)}
.badge[data-phase=waking] .glyph{animation:pulse 1.2s ease-in-out infinite}
@keyframes pulse{50%{opacity:.35}}
@media (prefers-reduced-motion:reduce){.badge .glyph{animation:none!important}}
.muted{color:var(--muted)}
.actions{display:flex;flex-wrap:wrap;gap:.375rem;justify-content:flex-end}
.btn{padding:.25rem .625rem;border:1px solid var(--line);border-radius:7px;background:var(--card);cursor:pointer;white-space:nowrap;font-size:.8125rem}
.btn:hover:not(:disabled){border-color:var(--accent)}
.btn:disabled{opacity:.45;cursor:default}
.btn.primary{background:var(--accent);border-color:var(--accent);color:var(--on-accent);font-weight:600}
.btn[aria-busy=true]{opacity:.8;cursor:progress}
.btn[aria-haspopup]::after{content:" \\25BE";font-size:.75em}
button:focus-visible,a:focus-visible,input:focus-visible,select:focus-visible,pre:focus-visible,[tabindex]:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.pager{display:flex;align-items:center;gap:.5rem;justify-content:flex-end;padding:.625rem 1rem;color:var(--muted);font-variant-numeric:tabular-nums}
.pager span{margin-right:auto}
.menu{position:absolute;z-index:30;display:flex;flex-direction:column;min-width:11rem;padding:.25rem;background:var(--card);border:1px solid var(--line);border-radius:10px;box-shadow:0 8px 30px rgba(0,0,0,.18)}
.menu button{padding:.4rem .75rem;border:0;border-radius:6px;background:none;text-align:left;cursor:pointer}
.menu button:hover,.menu button:focus{background:var(--soft);outline:none}
.notice{position:fixed;z-index:40;left:50%;bottom:1.25rem;transform:translateX(-50%);display:flex;align-items:center;gap:.75rem;max-width:min(40rem,calc(100% - 2rem));padding:.625rem .75rem .625rem 1rem;background:var(--fg);color:var(--bg);border-radius:10px;box-shadow:0 8px 30px rgba(0,0,0,.25)}
.notice[data-kind=error]{background:var(--bad);color:#fff}
.notice button{border:0;background:none;color:inherit;font-size:1.125rem;line-height:1;cursor:pointer}
.detail{position:fixed;z-index:20;top:0;right:0;bottom:0;width:min(600px,100%);overflow-y:auto;background:var(--card);border-left:1px solid var(--line);box-shadow:-12px 0 40px rgba(0,0,0,.15)}
.detail-head{position:sticky;top:0;z-index:1;display:flex;align-items:center;gap:.75rem;padding:.875rem 1.25rem;background:var(--card);border-bottom:1px solid var(--line)}
.detail-head h2{font-size:1.125rem;overflow-wrap:anywhere}
.detail-head .close{margin-left:auto;width:2rem;height:2rem;border:1px solid var(--line);border-radius:8px;background:none;font-size:1.125rem;line-height:1;cursor:pointer}
.detail-body{padding:1rem 1.25rem 2rem}
.detail-body h3{margin:1.5rem 0 .5rem;font-size:.875rem}
.detail .actions{flex-wrap:wrap;justify-content:flex-start}
.reason{margin:.75rem 0 0;color:var(--muted)}
.reason[data-phase=failed]{color:var(--bad)}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:1rem 0 0}
.facts dt{color:var(--muted)}
.facts dd{margin:0;overflow-wrap:anywhere;font-variant-numeric:tabular-nums}
.savings td,.savings th{padding:.3rem .5rem}
.savings td{text-align:right;font-variant-numeric:tabular-nums}
.wakes,.events{margin:0;padding:0;list-style:none}
.wakes li{padding:.5rem 0;border-bottom:1px solid var(--line)}
.wake-line{display:flex;flex-wrap:wrap;gap:.25rem .75rem;align-items:baseline}
.wake-line .result[data-result=failure],.wake-line .result[data-result=timeout]{color:var(--bad);font-weight:600}
.wake-line .total{margin-left:auto;font-weight:600;font-variant-numeric:tabular-nums}
.bar{display:block;width:100%;height:12px;margin:.375rem 0 .25rem;border-radius:3px;background:var(--soft)}
.seg-scaleRequest{fill:var(--s1)}
.seg-start{fill:var(--s2)}
.seg-readiness{fill:var(--s3)}
.seg-firstByte{fill:var(--s4)}
.phases{margin:0;color:var(--muted);font-size:.75rem;font-variant-numeric:tabular-nums}
.events li{display:grid;grid-template-columns:4.75rem 1fr;gap:.75rem;padding:.3rem 0;border-bottom:1px solid var(--line)}
.events time{color:var(--muted);font-variant-numeric:tabular-nums}
.events .what{overflow-wrap:anywhere}
.output-head{display:flex;align-items:center;justify-content:space-between;gap:1rem;margin-top:1.5rem}
.output-head h3{margin:0}
pre.output{margin:.5rem 0 0;max-height:18rem;overflow:auto;padding:.625rem .75rem;background:var(--soft);border-radius:8px;font:12px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;overflow-wrap:anywhere}
dialog{padding:0;border:1px solid var(--line);border-radius:12px;background:var(--card);color:var(--fg);box-shadow:0 20px 60px rgba(0,0,0,.3)}
dialog::backdrop{background:rgba(0,0,0,.35)}
.dialog{display:flex;flex-direction:column;gap:.625rem;width:min(24rem,calc(100vw - 2rem));padding:1.25rem}
.dialog h2{font-size:1rem}
.dialog p{margin:0;color:var(--muted)}
.dialog p.problem{color:var(--bad)}
.dialog-actions{display:flex;justify-content:flex-end;gap:.5rem;margin-top:.25rem}
noscript p{margin:2rem;font-size:1rem}
@media (max-width:1000px){.charts{grid-template-columns:1fr}.c-wake,.c-replicas{display:none}.c-phase{width:8rem}.c-activity{width:7rem}.c-sleeps{width:5.5rem}.c-keep{width:6rem}.c-actions{width:9.5rem}th,td{padding:.5rem .5rem}thead th{white-space:normal}}
@media (max-width:640px){main{padding:1rem .75rem 3rem}.top{padding:.75rem}.toolbar input{width:100%}.c-activity,.c-keep{display:none}}
`;
