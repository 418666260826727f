<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP" sourcelanguage="en">
  <context>
    <name>SuginamiGis</name>
    <message>
      <location filename="suginami_gis/gui.py" line="30" />
      <source>&amp;Suginami disaster planning</source>
      <translation>杉並区 防災計画(&amp;S)</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/evacuation.py" line="153" />
      <source>(outside districts)</source>
      <translation>（地区外）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/chain.py" line="233" />
      <source>ACCESS_POINTS not given: the Wi-Fi coverage step is skipped.</source>
      <translation>ACCESS_POINTS の指定がないため、Wi-Fi の電波到達範囲の手順を省略します。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/imputebuildingattributes.py" line="161" />
      <source>AREA_FIELD: points have no area; choose a footprint area field.</source>
      <translation>AREA_FIELD：点には面積がありません。建築面積のフィールドを選んでください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/importavs30.py" line="64" />
      <source>AVS30 (m/s)</source>
      <translation>AVS30（表層 30 m の平均 S 波速度、m/s）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/ground.py" line="147" />
      <source>AVS30 is in {0}: resampled to {1} (bilinear).</source>
      <translation>AVS30 は {0} のため、{1} に再投影しました（双一次補間）。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="26" />
      <source>AVS30 raster (m/s)</source>
      <translation>AVS30 ラスタ（m/s）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/groundmotion.py" line="84" />
      <source>AVS30 where the raster has no value or is absent (m/s)</source>
      <translation>ラスタに値がない場合・ラスタがない場合の AVS30（m/s）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/importavs30.py" line="81" />
      <source>AVS30 {0:.0f}-{1:.0f} m/s; {2} of {3} pixels have a value.</source>
      <translation>AVS30 {0:.0f}〜{1:.0f} m/s。{3} 画素のうち {2} 画素に値があります。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="83" />
      <source>Access point height field (m above ground)</source>
      <translation>アクセスポイントの高さのフィールド（地上高、m）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/wificoverage.py" line="40" />
      <source>Access points</source>
      <translation>アクセスポイント</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/wificoverage.py" line="55" />
      <source>Add a band with the serving access point's id</source>
      <translation>接続先アクセスポイントの ID のバンドを追加する</translation>
    </message>
    <message>
      <location filename="suginami_gis/gui.py" line="252" />
      <source>Add the bundled sample ward's layers to the project, to try the tools</source>
      <translation>同梱のサンプルの区のレイヤをプロジェクトに追加します（ツールを試すため）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/layouts.py" line="39" />
      <source>After mitigation</source>
      <translation>対策後</translation>
    </message>
    <message>
      <location filename="suginami_gis/gui.py" line="160" />
      <source>All Python packages are already installed ({0}).</source>
      <translation>必要な Python パッケージはすべてインストール済みです（{0}）。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/distributepopulation.py" line="79" />
      <source>Area column of the table (district name/code, or KEY_CODE for meshes)</source>
      <translation>表の区域列（町丁名・コード、メッシュの場合は KEY_CODE）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/blockage.py" line="51" />
      <source>At-least-half-collapse probability field</source>
      <translation>全半壊確率のフィールド</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="114" />
      <source>At-least-half-collapse probability field (optional; for evacuees)</source>
      <translation>全半壊確率のフィールド（任意、避難者数の算出用）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/publicexport.py" line="80" />
      <source>Attribution (shown on the map)</source>
      <translation>出典表示（地図に表示）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="213" />
      <source>Attribution added to the recognised sources (OpenStreetMap, PLATEAU, GSI)</source>
      <translation>認識した出典（OpenStreetMap、PLATEAU、国土地理院）に加える出典表記</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/catchments.py" line="68" />
      <source>BANDS: '{0}' is not a list of minutes; write e.g. 5, 10, 15.</source>
      <translation>BANDS：'{0}' は分の一覧として読めません。5, 10, 15 のように入力してください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/buildings.py" line="167" />
      <source>BUILDINGS: the layer has line geometries; give building footprints (polygons) or points.</source>
      <translation>BUILDINGS：レイヤが線の形状です。建物形状（ポリゴン）か点を指定してください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/distributepopulation.py" line="143" />
      <source>BUILDINGS: the layer has no features.</source>
      <translation>BUILDINGS：レイヤに地物がありません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="310" />
      <source>BUILDINGS: the layer has no features; choose a layer with footprints.</source>
      <translation>BUILDINGS：レイヤに地物がありません。建物形状のあるレイヤを選んでください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="181" />
      <source>Balanced (length + risk)</source>
      <translation>バランス（距離＋危険度）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="229" />
      <source>Balanced cost: metres of detour worth one unit of -ln(1 - p)</source>
      <translation>バランス型コスト：-ln(1 - p) の 1 単位に相当する迂回距離（m）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/packaging.py" line="280" />
      <source>Baseline</source>
      <translation>現状</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/publish.py" line="45" />
      <source>Basemap of the web map</source>
      <translation>ウェブ地図の背景地図</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/publish.py" line="54" />
      <source>Basemap tile URL (optional, XYZ with {z}/{x}/{y})</source>
      <translation>背景地図タイルの URL（任意、{z}/{x}/{y} を含む XYZ 形式）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/layouts.py" line="39" />
      <source>Before (current state)</source>
      <translation>対策前（現状）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/wificoverage.py" line="56" />
      <source>Best-server received power (dBm)</source>
      <translation>最良局の受信電力（dBm）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="91" />
      <source>Blockage probability field (default p_block, from Road blockage)</source>
      <translation>閉塞確率のフィールド（既定は道路閉塞の出力の p_block）</translation>
    </message>
    <message>
      <source>Blockage realizations for reachability (0 = none)</source>
      <translation type="vanished">到達可能性を求める閉塞の試行回数（0 = 計算しない）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/evacuationroutes.py" line="76" />
      <source>Blockage realizations for reachability (0 = none: routes on expected street states)</source>
      <translation>到達可能性を求める閉塞の試行回数（0 = 試行なし：道路の期待状態で経路を求める）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/layouts.py" line="59" />
      <source>Blocked streets and evacuation routes</source>
      <translation>道路閉塞と避難経路</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="129" />
      <source>Building damage</source>
      <translation>建物被害</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/imputebuildingattributes.py" line="71" />
      <source>Building footprints</source>
      <translation>建物形状</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="165" />
      <source>Building height field (m)</source>
      <translation>建物高さのフィールド（m）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="71" />
      <source>Building height field (m; Wi-Fi obstacles)</source>
      <translation>建物高さのフィールド（m、Wi-Fi の遮蔽物）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="60" />
      <source>Building id field</source>
      <translation>建物 ID のフィールド</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="112" />
      <source>Building use field (optional; for an ignition table by use)</source>
      <translation>建物用途のフィールド（任意。用途別の出火率表用）</translation>
    </message>
    <message>
      <source>Building use field (optional; for an ignition table)</source>
      <translation type="vanished">建物用途のフィールド（任意、出火率表に使用）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/distributepopulation.py" line="107" />
      <source>Building use field (optional; unknown use counts as residential)</source>
      <translation>建物用途の属性（任意。用途不明は住居として扱う）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/importplateau.py" line="56" />
      <source>Buildings</source>
      <translation>建物</translation>
    </message>
    <message>
      <source>Buildings (footprint polygons)</source>
      <translation type="vanished">建物（建物形状のポリゴン）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="97" />
      <source>Buildings (footprint polygons, e.g. the output of Earthquake building damage)</source>
      <translation>建物（建物形状のポリゴン。例：地震による建物被害の出力）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/distributepopulation.py" line="65" />
      <source>Buildings (footprints)</source>
      <translation>建物（外形ポリゴン）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="163" />
      <source>Buildings (obstacles, optional)</source>
      <translation>建物（遮蔽物、任意）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="136" />
      <source>Buildings (polygons or points)</source>
      <translation>建物（ポリゴンまたは点）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="103" />
      <source>Buildings (required; footprint polygons, any CRS)</source>
      <translation>建物（必須。外形ポリゴン、座標参照系は任意）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/blockage.py" line="70" />
      <source>Buildings count as 'along' a street up to this far behind its edge (m)</source>
      <translation>道路端からこの距離（m）までの建物を沿道建物とみなす</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/ground.py" line="215" />
      <source>Buildings in {0}, raster in {1}: building centroids are transformed to the raster CRS.</source>
      <translation>建物は {0}、ラスタは {1} のため、建物の重心をラスタの座標系に変換します。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="153" />
      <source>Buildings with burn probability</source>
      <translation>焼失確率付きの建物</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/blockage.py" line="45" />
      <source>Buildings with damage probabilities (output of Earthquake building damage; footprints)</source>
      <translation>被害確率付きの建物（地震による建物被害の出力、建物形状）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/imputebuildingattributes.py" line="121" />
      <source>Buildings with imputed attributes</source>
      <translation>属性を補完した建物</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/distributepopulation.py" line="130" />
      <source>Buildings with occupants</source>
      <translation>居住者数を付けた建物</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="41" />
      <source>Buildings: collapse and burn probability</source>
      <translation>建物：全壊確率と焼失確率</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="38" />
      <source>Buildings: collapse probability</source>
      <translation>建物：全壊確率</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="42" />
      <source>Burn probability</source>
      <translation>焼失確率</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/blockage.py" line="52" />
      <source>Burn probability field (optional; from Fire following earthquake)</source>
      <translation>焼失確率のフィールド（任意、地震火災の出力）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="155" />
      <source>Burn probability raster</source>
      <translation>焼失確率ラスタ</translation>
    </message>
    <message>
      <source>Burned buildings</source>
      <translation type="vanished">焼失棟数</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/shelters.py" line="101" />
      <source>CAPACITY_FIELD: some shelters have no capacity; fill the field.</source>
      <translation>CAPACITY_FIELD：収容人数が空の避難所があります。値を入力してください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/distributepopulation.py" line="73" />
      <source>CSV (*.csv *.txt)</source>
      <translation>CSV ファイル（*.csv *.txt）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="173" />
      <source>CSV (*.csv)</source>
      <translation>CSV（*.csv）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/distributepopulation.py" line="147" />
      <source>Canceled: no output was written.</source>
      <translation>キャンセルしました。出力は書き込まれていません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="349" />
      <source>Candidate points (empty = a grid on the sites and roof edges)</source>
      <translation>候補地点（空欄 = 敷地上の格子点と屋根の縁）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/render.py" line="57" />
      <source>Cannot apply the style {0}.</source>
      <translation>スタイル {0} を適用できません。</translation>
    </message>
    <message>
      <source>Cannot copy the mitigated run's tables into {0}</source>
      <translation type="vanished">対策後の実行のテーブルを {0} にコピーできません</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/concurrent.py" line="289" />
      <source>Cannot copy the mitigated run's tables into {0}: {1}</source>
      <translation>対策後の実行のテーブルを {0} にコピーできません: {1}</translation>
    </message>
    <message>
      <source>Cannot copy {0} into {1}: {2}</source>
      <translation type="vanished">{0} を {1} にコピーできません: {2}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/render.py" line="49" />
      <source>Cannot open the layer {0}.</source>
      <translation>レイヤ {0} を開けません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/report.py" line="266" />
      <source>Cannot open the scenario GeoPackage {0}.</source>
      <translation>シナリオの GeoPackage {0} を開けません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/concurrent.py" line="276" />
      <source>Cannot open {0}</source>
      <translation>{0} を開けません</translation>
    </message>
    <message>
      <source>Cannot reopen {0} to write vector tiles.</source>
      <translation type="vanished">ベクタタイルを書き込むために {0} を開き直せません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/render.py" line="252" />
      <source>Cannot write {0}.</source>
      <translation>{0} を書き込めません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/fireproofing.py" line="181" />
      <source>Cannot write {0}: {1}</source>
      <translation>{0} を書き込めません：{1}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/evacuationroutes.py" line="72" />
      <source>Capacity field (optional; people): assign within capacity</source>
      <translation>収容人数のフィールド（任意、人）：収容人数の範囲内で割り当てる</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/evacuationroutes.py" line="107" />
      <source>Capacity: candidate shelters per origin (cheapest first)</source>
      <translation>収容人数を考慮する場合の出発地ごとの候補避難所数（コストの小さい順）</translation>
    </message>
    <message>
      <source>Change in collapsed buildings (%)</source>
      <translation type="vanished">全壊棟数の変化（%）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/report.py" line="968" />
      <source>Charts need matplotlib, which is not installed.</source>
      <translation>グラフには matplotlib が必要ですが、インストールされていません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="277" />
      <source>Clients per access point (limit)</source>
      <translation>アクセスポイント 1 台あたりの接続上限</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/blockage.py" line="63" />
      <source>Closures (optional polygons: streets crossing them are closed)</source>
      <translation>通行止め区域（任意のポリゴン。横切る道路を通行止めにする）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="235" />
      <source>Cluster (Tokyo 2022)</source>
      <translation>延焼クラスター（東京都 2022）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/layouts.py" line="56" />
      <source>Collapse probability</source>
      <translation>建物全壊確率</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/blockage.py" line="50" />
      <source>Collapse probability field</source>
      <translation>全壊確率のフィールド</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="116" />
      <source>Collapse probability under the median ground motion (optional)</source>
      <translation>地震動の中央値のもとでの全壊確率（任意）</translation>
    </message>
    <message>
      <source>Collapsed buildings</source>
      <translation type="vanished">全壊棟数</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/packaging.py" line="276" />
      <source>Comparison</source>
      <translation>比較</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/chain.py" line="218" />
      <source>Computed once, reused {0} times ({1:.1f} s saved): {2}</source>
      <translation>1 回だけ計算し {0} 回再利用（{1:.1f} 秒短縮）：{2}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/chain.py" line="220" />
      <source>Computed {0} times, not reused: {1}</source>
      <translation>{0} 回計算、再利用なし：{1}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="107" />
      <source>Connect lines that cross without a shared vertex (not for bridges)</source>
      <translation>共有頂点なしで交差する線を接続する（橋梁には使わない）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="143" />
      <source>Construction year field</source>
      <translation>建築年のフィールド</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="287" />
      <source>Construction year field (optional; the oldest wooden buildings are rebuilt first)</source>
      <translation>建築年のフィールド（任意。古い木造建物から建て替えます）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/groundmotion.py" line="64" />
      <source>Correlation range of the scatter (km; 0 = uncorrelated)</source>
      <translation>ばらつきの相関距離（km、0 = 相関なし）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/wificoverage.py" line="58" />
      <source>Coverage per threshold</source>
      <translation>しきい値別の受信エリア</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/wifiplacement.py" line="57" />
      <source>Covered evacuees</source>
      <translation>通信できる避難者数</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/wifiplacement.py" line="57" />
      <source>Covered site area</source>
      <translation>受信エリアの敷地面積</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/params.py" line="87" />
      <source>Crustal</source>
      <translation>地殻内地震</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/chain.py" line="178" />
      <source>DISTRICTS not given: the results are totalled for one ward-wide district, {0}.</source>
      <translation>DISTRICTS の指定がないため、区全域を 1 地区（{0}）として集計します。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/distributepopulation.py" line="220" />
      <source>DISTRICT_KEY_FIELD: choose the district field that matches the area column.</source>
      <translation>DISTRICT_KEY_FIELD：表の区域列に対応する区域レイヤの属性を選んでください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/buildings.py" line="255" />
      <source>DWELLINGS_FIELD: {0} buildings have an empty or negative dwelling count.</source>
      <translation>DWELLINGS_FIELD：{0} 棟で住戸数が空または負です。</translation>
    </message>
    <message>
      <source>Data import</source>
      <translation type="vanished">データの取り込み</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/distributepopulation.py" line="84" />
      <source>Day population column of the table (optional)</source>
      <translation>表の昼間人口列（任意）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/distributepopulation.py" line="121" />
      <source>Day/night population ratio (昼夜間人口比率 / 100; optional)</source>
      <translation>昼夜間人口比率 ÷ 100（任意）</translation>
    </message>
    <message>
      <source>Deaths (collapse + fire)</source>
      <translation type="vanished">死者数（倒壊＋火災）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="213" />
      <source>Deaths per collapsed non-wooden building at 05:00</source>
      <translation>5 時の非木造全壊 1 棟あたりの死者数</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="208" />
      <source>Deaths per collapsed wooden building at 05:00</source>
      <translation>5 時の木造全壊 1 棟あたりの死者数</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="30" />
      <source>Depth (km)</source>
      <translation>深さ（km）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/params.py" line="77" />
      <source>Depth of the hypocentre or of the fault's top edge (km)</source>
      <translation>震源の深さ、または断層上端の深さ（km）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/publicexport.py" line="96" />
      <source>Description (English)</source>
      <translation>説明（英語）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/publicexport.py" line="95" />
      <source>Description (Japanese)</source>
      <translation>説明（日本語）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="223" />
      <source>Directional ellipse (longer downwind, shorter upwind)</source>
      <translation>方向別の楕円（風下で長く、風上で短く）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/distributepopulation.py" line="45" />
      <source>Distribute census population onto buildings (dasymetric)</source>
      <translation>国勢調査人口を建物に配分（ダシメトリック）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="39" />
      <source>District damage</source>
      <translation>地区別の建物被害</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/distributepopulation.py" line="98" />
      <source>District field matching the area column</source>
      <translation>表の区域列に対応する区域の属性</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/evacuation.py" line="65" />
      <source>District field of the origins (optional)</source>
      <translation>出発地の地区フィールド（任意）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="43" />
      <source>District fire</source>
      <translation>地区別の火災被害</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="157" />
      <source>District fire totals</source>
      <translation>地区別の火災集計</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/params.py" line="167" />
      <source>District name field</source>
      <translation>地区名のフィールド</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/packaging.py" line="63" />
      <source>District reachability</source>
      <translation>地区別の到達可能性</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/evacuationroutes.py" line="92" />
      <source>District reachability (with realizations)</source>
      <translation>地区別の到達可能性（試行あり）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="130" />
      <source>District totals</source>
      <translation>地区別集計</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="25" />
      <source>Districts</source>
      <translation>地区</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/params.py" line="158" />
      <source>Districts (optional polygons)</source>
      <translation>地区（任意のポリゴン）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="137" />
      <source>Districts (optional polygons; without them one ward-wide district)</source>
      <translation>地区（任意のポリゴン。ない場合は区全域を 1 地区とします）</translation>
    </message>
    <message>
      <source>Districts (polygons)</source>
      <translation type="vanished">地区（ポリゴン）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/distributepopulation.py" line="90" />
      <source>Districts (polygons; leave empty when the table is by mesh code)</source>
      <translation>区域（ポリゴン。表がメッシュコード別なら空欄）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="242" />
      <source>Duration of the spread (hours; simulation)</source>
      <translation>延焼の継続時間（時間、シミュレーション）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="189" />
      <source>Dwellings field (optional; dwellings per building, weights the retrofit share)</source>
      <translation>住戸数フィールド（任意、建物ごとの住戸数。耐震化率を住戸数で重み付けします）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="82" />
      <source>EIRP field (dBm)</source>
      <translation>EIRP のフィールド（dBm）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="354" />
      <source>EIRP of new access points (dBm)</source>
      <translation>新設アクセスポイントの EIRP（dBm）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="87" />
      <source>EIRP where the field is empty (dBm)</source>
      <translation>フィールドが空の場合の EIRP（dBm）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/ground.py" line="99" />
      <source>EPICENTER cannot be transformed from {0} to {1}: check the point and its CRS.</source>
      <translation>EPICENTER を {0} から {1} へ変換できません。点とその CRS を確認してください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/ground.py" line="91" />
      <source>EPICENTER {0},{1} [{2}]: {3}. QGIS reads a point as x,y (longitude first in degrees).</source>
      <translation>EPICENTER {0},{1} [{2}]: {3}。QGIS は点を x,y（度では経度が先）として読みます。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/ground.py" line="122" />
      <source>EPICENTER: give an epicentre point or a FAULT trace.</source>
      <translation>EPICENTER：震央の点か断層トレース（FAULT）を指定してください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/groundmotion.py" line="183" />
      <source>EXTENT: the extent is empty; draw or choose a non-empty extent.</source>
      <translation>EXTENT：範囲が空です。空でない範囲を描くか選んでください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/base.py" line="163" />
      <source>Earthquake</source>
      <translation>地震</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="91" />
      <source>Earthquake building damage (collapse, casualties, district totals)</source>
      <translation>地震による建物被害（全壊・人的被害・地区別集計）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/report.py" line="613" />
      <source>Earthquake scenario report</source>
      <translation>地震被害想定レポート</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/report.py" line="612" />
      <source>Earthquake scenario report: {0}</source>
      <translation>地震被害想定レポート：{0}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/packaging.py" line="273" />
      <source>Earthquake scenario: current state and mitigation</source>
      <translation>地震被害想定：現状と対策後</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/publicexport.py" line="77" />
      <source>English</source>
      <translation>英語</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="27" />
      <source>Epicentre</source>
      <translation>震央</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/params.py" line="62" />
      <source>Epicentre (point source; any CRS)</source>
      <translation>震央（点震源、任意の座標系）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/params.py" line="344" />
      <source>Estimated memory: {0:.2f} GB for {1} (limit {2:.1f} GB, MEMORY_LIMIT_GB).</source>
      <translation>必要なメモリの見積もり：{1} で {0:.2f} GB（上限 {2:.1f} GB、MEMORY_LIMIT_GB）。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/params.py" line="350" />
      <source>Estimated time: about {0:.0f} minutes on a 2-core machine ({1}).</source>
      <translation>見積もり時間：2 コアの計算機で約 {0:.0f} 分（{1}）。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="64" />
      <source>Evacuation</source>
      <translation>避難</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="47" />
      <source>Evacuation origins</source>
      <translation>避難の出発地</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="180" />
      <source>Evacuation route cost</source>
      <translation>避難経路のコスト</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/evacuationroutes.py" line="80" />
      <source>Evacuation routes</source>
      <translation>避難経路</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/evacuationroutes.py" line="64" />
      <source>Evacuation routes to shelters (one pass, capacity, reachability)</source>
      <translation>避難所への避難経路（一括計算・収容人数・到達可能性）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="189" />
      <source>Evacuation time limit (minutes)</source>
      <translation>避難の制限時間（分）</translation>
    </message>
    <message>
      <location filename="suginami_gis/gui.py" line="167" />
      <source>Every algorithm is ready (no restart needed).</source>
      <translation>すべてのアルゴリズムが使えます（QGIS の再起動は不要です）。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/executor_param.py" line="23" />
      <source>Executor for Monte Carlo chunks ('' = this process, 'local' = process pool, tcp://host:8786 = Dask)</source>
      <translation>モンテカルロ計算の実行先（'' = このプロセス、'local' = プロセスプール、tcp://host:8786 = Dask）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/wifiplacement.py" line="44" />
      <source>Existing access points (optional)</source>
      <translation>既設のアクセスポイント（任意）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="79" />
      <source>Expected evacuees field</source>
      <translation>想定避難者数のフィールド</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/publicexport.py" line="72" />
      <source>Export profile (JSON/YAML; empty = built-in)</source>
      <translation>エクスポートの設定（JSON/YAML、空欄 = 組み込みの設定）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/groundmotion.py" line="107" />
      <source>Extent</source>
      <translation>範囲</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/wificoverage.py" line="46" />
      <source>Extent (empty = access points and sites + 100 m)</source>
      <translation>範囲（空欄 = アクセスポイントと敷地＋100 m）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/importavs30.py" line="56" />
      <source>Extent (empty = every mesh in the file)</source>
      <translation>範囲（空欄＝ファイル内のすべてのメッシュ）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/ground.py" line="118" />
      <source>FAULT: the layer has no line geometry; give a fault trace or leave it empty.</source>
      <translation>FAULT：レイヤに線がありません。断層トレースを指定するか空欄にしてください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/fireproofing.py" line="116" />
      <source>FIREPROOF_AREAS is ignored: no FIREPROOF_TARGET_RATE was given.</source>
      <translation>FIREPROOF_TARGET_RATE が指定されていないため、FIREPROOF_AREAS は使いません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/fireproofing.py" line="46" />
      <source>FIREPROOF_AREAS: the layer has no polygons; choose the fire-proofing areas or leave it empty.</source>
      <translation>FIREPROOF_AREAS：レイヤにポリゴンがありません。不燃化の区域を選ぶか、空欄にしてください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/fireproofing.py" line="62" />
      <source>FIREPROOF_OPEN_SPACE_FIELD: {0} areas have an open-space ratio outside 0 to below 100 %; give 空地率 in percent.</source>
      <translation>FIREPROOF_OPEN_SPACE_FIELD：{0} 区域の空地率が 0 以上 100 % 未満の範囲外です。空地率を % で指定してください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/plateau.py" line="67" />
      <source>FOLDER: '{0}' is not a folder.</source>
      <translation>FOLDER：'{0}' はフォルダではありません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/plateau.py" line="70" />
      <source>FOLDER: no .gml files in '{0}'.</source>
      <translation>FOLDER：'{0}' に .gml ファイルがありません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/params.py" line="93" />
      <source>Fault surface trace (optional; replaces the epicentre)</source>
      <translation>断層の地表トレース（任意、震央の代わりに使用）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/params.py" line="87" />
      <source>Fault type</source>
      <translation>地震のタイプ</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/field_memory.py" line="139" />
      <source>Field choices of {0} remembered in {1}.</source>
      <translation>{0} のフィールドの選択を{1}に記憶しました。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="103" />
      <source>Fire following earthquake (ignition, spread, burn probability)</source>
      <translation>地震火災（出火・延焼・焼失確率）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/packaging.py" line="74" />
      <source>Fire-proofing areas</source>
      <translation>不燃化の区域</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="270" />
      <source>Fire-proofing areas (optional polygons: the designated close-packed wooden districts)</source>
      <translation>不燃化の区域（任意のポリゴン：木造住宅密集地域などの指定区域）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/chain.py" line="399" />
      <source>Fire-proofing rebuilds {0} of {1} buildings; they take the newest seismic era.</source>
      <translation>不燃化で {1} 棟のうち {0} 棟を建て替えます。これらは最新の耐震基準の建物として扱います。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="260" />
      <source>Fire-proofing target (0-1, optional): share of fire-resistant buildings, or with fire-proofing areas the 不燃領域率 of each area</source>
      <translation>不燃化の目標（0〜1、任意）：耐火・準耐火建物の割合。不燃化の区域を指定した場合は区域ごとの不燃領域率</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="36" />
      <source>Fire-proofing target (fire-resistant share, 0 = none)</source>
      <translation>不燃化の目標（耐火建物の割合、0 = なし）</translation>
    </message>
    <message>
      <source>Fire-proofing target: share of fire-resistant buildings after the programme (0-1, optional)</source>
      <translation type="vanished">不燃化の目標：対策後の耐火建物の割合（0〜1、任意）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="66" />
      <source>Fire-resistance field (bare_wood, protected_wood, semi_fireproof, fireproof)</source>
      <translation>耐火性能のフィールド（bare_wood 裸木造、protected_wood 防火木造、semi_fireproof 準耐火、fireproof 耐火）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="199" />
      <source>Firebreaks (optional polygons: wide roads, parks, rivers)</source>
      <translation>延焼遮断帯（任意のポリゴン：広幅員道路・公園・河川）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/imputebuildingattributes.py" line="110" />
      <source>Floor-to-floor height (m)</source>
      <translation>階高（m）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="70" />
      <source>Floors field (for the burned floor area)</source>
      <translation>階数のフィールド（焼失床面積に使用）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/distributepopulation.py" line="110" />
      <source>Floors field (optional)</source>
      <translation>階数の属性（任意）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="113" />
      <source>Floors field (optional; for the burned floor area)</source>
      <translation>階数のフィールド（任意、焼失床面積に使用）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/importplateau.py" line="41" />
      <source>Folder of PLATEAU building CityGML files (every .gml below it)</source>
      <translation>PLATEAU 建築物 CityGML ファイルのフォルダ（その下のすべての .gml）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/imputebuildingattributes.py" line="86" />
      <source>Footprint area field (m², optional; default: polygon area)</source>
      <translation>建築面積のフィールド（m²、任意。既定はポリゴンの面積）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="169" />
      <source>Fragility (*.yaml *.yml *.xml)</source>
      <translation>被害関数（*.yaml *.yml *.xml）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="166" />
      <source>Fragility curves (optional: project YAML or OpenQuake NRML .xml; default built-in Japanese set)</source>
      <translation>被害関数（任意：本プロジェクトの YAML または OpenQuake NRML の .xml。既定は組み込みの日本の被害関数）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="279" />
      <source>Fragility curves: {0} ({1} classes)</source>
      <translation>被害関数：{0}（{1} 区分）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="219" />
      <source>Free space + loss per building</source>
      <translation>自由空間＋建物 1 棟ごとの損失</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="84" />
      <source>Frequency field (MHz)</source>
      <translation>周波数のフィールド（MHz）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="356" />
      <source>Frequency of new access points (MHz)</source>
      <translation>新設アクセスポイントの周波数（MHz）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="96" />
      <source>Frequency where the field is empty (MHz)</source>
      <translation>フィールドが空の場合の周波数（MHz）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/groundmotion.py" line="101" />
      <source>Fujimoto &amp; Midorikawa (2005)</source>
      <translation>藤本・翠川（2005）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/groundmotion.py" line="96" />
      <source>Fujimoto &amp; Midorikawa (2006), as J-SHIS</source>
      <translation>藤本・翠川（2006）、J-SHIS と同じ</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/chain.py" line="95" />
      <source>GDAL (step {0}): {1}</source>
      <translation>GDAL（ステップ {0}）：{1}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/ground.py" line="167" />
      <source>GROUND_MOTION: choose a ground-motion raster.</source>
      <translation>GROUND_MOTION：地震動のラスタを選んでください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/params.py" line="259" />
      <source>GSI lists: only sites designated for earthquakes (地震)</source>
      <translation>国土地理院の一覧：地震に指定された避難場所のみ</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/publish.py" line="49" />
      <source>GSI pale map (地理院タイル, online)</source>
      <translation>地理院タイル 淡色地図（オンライン）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/publish.py" line="48" />
      <source>GSI standard map (地理院タイル, online)</source>
      <translation>地理院タイル 標準地図（オンライン）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/groundmotion.py" line="123" />
      <source>Grid: {0} x {1} pixels of {2} m in {3}</source>
      <translation>グリッド：{0} × {1} ピクセル（{2} m、{3}）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="153" />
      <source>Ground motion raster (one realization per band)</source>
      <translation>地震動ラスタ（バンドごとに 1 試行）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="28" />
      <source>Ground-motion extent</source>
      <translation>地震動の計算範囲</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="98" />
      <source>Ground-motion extent (empty = the buildings plus 500 m)</source>
      <translation>地震動の計算範囲（空欄 = 建物の範囲＋500 m）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="158" />
      <source>Ground-motion measure of the raster</source>
      <translation>ラスタの地震動指標</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="101" />
      <source>Ground-motion pixel size (m)</source>
      <translation>地震動のピクセルサイズ（m）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/imputebuildingattributes.py" line="212" />
      <source>HEIGHT_FIELD: choose the field with building heights in metres.</source>
      <translation>HEIGHT_FIELD：建物高さ（m）のフィールドを選んでください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="89" />
      <source>Height field (m above ground)</source>
      <translation>高さのフィールド（地上高、m）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/imputebuildingattributes.py" line="77" />
      <source>Height field (m, e.g. PLATEAU measuredHeight)</source>
      <translation>高さのフィールド（m、例：PLATEAU の measuredHeight）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/distributepopulation.py" line="113" />
      <source>Height field (m; storeys = height / 3.3 m when no floors)</source>
      <translation>高さの属性（m。階数がないとき 階数＝高さ÷3.3 m）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="169" />
      <source>Height of buildings with no height (m; empty = refuse them)</source>
      <translation>高さのない建物に使う高さ（m、空欄 = エラーにする）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="355" />
      <source>Height of new access points on poles (m)</source>
      <translation>ポールに設置する新設アクセスポイントの高さ（m）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="91" />
      <source>Height where the field is empty (m)</source>
      <translation>フィールドが空の場合の高さ（m）</translation>
    </message>
    <message>
      <location filename="suginami_gis/gui.py" line="247" />
      <source>Help…</source>
      <translation>ヘルプ…</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/importplateau.py" line="65" />
      <source>INPUT/FOLDER or LAYER: give PLATEAU CityGML files (INPUT or FOLDER) or one exported layer (LAYER), not both.</source>
      <translation>INPUT/FOLDER または LAYER：PLATEAU の CityGML ファイル（INPUT か FOLDER）か、エクスポートしたレイヤ一つ（LAYER）のどちらか一方を指定してください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/plateau.py" line="74" />
      <source>INPUT: file '{0}' does not exist.</source>
      <translation>INPUT：ファイル '{0}' がありません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/importavs30.py" line="135" />
      <source>INPUT: only {0:.0%} of the meshes lie in the cell of their CODE in the file's CRS {1}: the geometries and the codes disagree (another datum, e.g. Tokyo, or a wrong .prj).</source>
      <translation>INPUT：ファイルの座標系 {1} では、CODE のメッシュ内にある形状が {0:.0%} しかありません。形状とコードが一致しません（日本測地系など別の測地系、または .prj の誤り）。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/plateau.py" line="130" />
      <source>INPUT: the files' CRS EPSG:{0} is not known to QGIS.</source>
      <translation>INPUT：ファイルの座標系 EPSG:{0} を QGIS が認識できません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/imputebuildingattributes.py" line="150" />
      <source>INPUT: the layer has no features.</source>
      <translation>INPUT：レイヤに地物がありません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/importavs30.py" line="125" />
      <source>INPUT: the vector file has no CRS (.prj); it should be JGD2000 or JGD2011.</source>
      <translation>INPUT：ベクタファイルに座標系（.prj）がありません。JGD2000 または JGD2011 のはずです。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/importavs30.py" line="99" />
      <source>INPUT: {0} cannot be opened as a vector file.</source>
      <translation>INPUT：{0} をベクタファイルとして開けません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/importavs30.py" line="103" />
      <source>INPUT: {0} has no CODE and AVS fields (fields: {1}); give J-SHIS's surface-ground data.</source>
      <translation>INPUT：{0} に CODE と AVS の属性がありません（属性：{1}）。J-SHIS の表層地盤データを指定してください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="341" />
      <source>INTENSITY_FIELD: ignitions of buildings that do not collapse need each building's JMA intensity, and field '{0}' is not in the buildings layer (fields: {1}). Choose the intensity field (Earthquake building damage writes one), or give an IGNITION_TABLE with the header only to model ignitions of collapsed buildings alone.</source>
      <translation>INTENSITY_FIELD：倒壊しない建物からの出火の計算には建物ごとの計測震度が必要ですが、フィールド「{0}」が建物レイヤにありません（フィールド：{1}）。震度のフィールドを選ぶ（「地震による建物被害」が書き出します）か、圧壊による出火だけを扱う場合は見出し行だけの IGNITION_TABLE を指定してください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="219" />
      <source>ITU-R P.1411 site-general, below rooftop (LoS/NLoS)</source>
      <translation>ITU-R P.1411 サイト一般モデル、屋根より低い場合（見通し内／見通し外）</translation>
    </message>
    <message>
      <source>Ignition table of non-collapsed buildings (optional CSV: use, intensity_min, rate)</source>
      <translation type="vanished">全壊していない建物の出火率表（任意の CSV：use、intensity_min、rate）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="171" />
      <source>Ignition table of non-collapsed buildings (optional CSV: use, intensity_min, rate; empty = built-in)</source>
      <translation>倒壊しない建物の出火率表（任意の CSV：use, intensity_min, rate。空欄 = 組み込みの表）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="267" />
      <source>Ignition table {0} has no rows: only ignitions of collapsed buildings are modelled.</source>
      <translation>出火率表 {0} に行がないため、圧壊による出火だけを扱います。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="274" />
      <source>Ignitions of buildings that do not collapse: built-in table '{0}' ({1} rows), derived from published fire rates of past earthquakes (docs/methods/fire.md section 1); a ward with the Tokyo Fire Department's table gives it as IGNITION_TABLE.</source>
      <translation>倒壊しない建物からの出火：組み込みの出火率表「{0}」（{1} 行）を使います。過去の地震の公表された出火率から導いた表です（docs/methods/fire.md 第 1 節）。東京消防庁の出火率表をもつ区は IGNITION_TABLE に指定してください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="271" />
      <source>Ignitions of buildings that do not collapse: table {0} ({1} rows).</source>
      <translation>倒壊しない建物からの出火：出火率表 {0}（{1} 行）を使います。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="188" />
      <source>Ignitions per collapsed building, winter 05-06 h (Tokyo 2022: 0.000355)</source>
      <translation>全壊 1 棟あたりの出火件数、冬 5〜6 時（東京都 2022：0.000355）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/importavs30.py" line="37" />
      <source>Import J-SHIS AVS30 (250 m mesh) as a raster</source>
      <translation>J-SHIS AVS30（250 m メッシュ）をラスタとして取り込み</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/importplateau.py" line="27" />
      <source>Import PLATEAU buildings (CityGML)</source>
      <translation>PLATEAU 建築物の取り込み（CityGML）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/distributepopulation.py" line="46" />
      <source>Import ward data</source>
      <translation>区のデータの取り込み</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/imputebuildingattributes.py" line="240" />
      <source>Imputation shares: {0}</source>
      <translation>補完に使う割合：{0}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/imputebuildingattributes.py" line="45" />
      <source>Impute building attributes (structure, year, floors, fire resistance)</source>
      <translation>建物属性の推定補完（構造・建築年・階数・耐火性能）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="144" />
      <source>Indoor occupants at the hour / 24-hour mean (for fire deaths)</source>
      <translation>その時刻の屋内滞留者数 ÷ 24 時間平均（火災による死者数に使用）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="150" />
      <source>Initial extinguishment by residents, fires in standing buildings (0-1; Tokyo 2022: 0.366)</source>
      <translation>住民による初期消火率（倒壊しない建物の火災、0〜1。東京都 令和4年：0.366）</translation>
    </message>
    <message>
      <source>Initial extinguishment rate (Tokyo 2022: 0.366)</source>
      <translation type="vanished">初期消火率（東京都 2022：0.366）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="159" />
      <source>Initial extinguishment rate (deprecated: use INITIAL_EXTINGUISHMENT)</source>
      <translation>初期消火率（旧パラメータ：INITIAL_EXTINGUISHMENT を使ってください）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/packaging.py" line="289" />
      <source>Inputs</source>
      <translation>入力データ</translation>
    </message>
    <message>
      <location filename="suginami_gis/gui.py" line="177" />
      <source>Install Python packages</source>
      <translation>Python パッケージのインストール</translation>
    </message>
    <message>
      <location filename="suginami_gis/gui.py" line="256" />
      <source>Install Python packages…</source>
      <translation>Python パッケージをインストール…</translation>
    </message>
    <message>
      <location filename="suginami_gis/gui.py" line="258" />
      <source>Install the Python packages the algorithms need into this QGIS profile</source>
      <translation>アルゴリズムに必要な Python パッケージをこの QGIS プロファイルにインストールします</translation>
    </message>
    <message>
      <location filename="suginami_gis/gui.py" line="158" />
      <source>Installed into {0}: {1}.</source>
      <translation>{0} にインストールしました：{1}。</translation>
    </message>
    <message>
      <location filename="suginami_gis/gui.py" line="128" />
      <source>Installing Python packages for Suginami disaster planning</source>
      <translation>杉並区 防災計画の Python パッケージをインストール中</translation>
    </message>
    <message>
      <location filename="suginami_gis/gui.py" line="178" />
      <source>Installing with QGIS's Python into {0}…</source>
      <translation>QGIS の Python で {0} にインストールしています…</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/params.py" line="87" />
      <source>Interplate</source>
      <translation>プレート境界地震</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/params.py" line="87" />
      <source>Intraslab</source>
      <translation>スラブ内地震</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/importavs30.py" line="52" />
      <source>J-SHIS surface ground (*.csv *.zip *.shp *.gpkg *.geojson)</source>
      <translation>J-SHIS 表層地盤（*.csv *.zip *.shp *.gpkg *.geojson）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/importavs30.py" line="50" />
      <source>J-SHIS surface-ground file (Z-V4-JAPAN-AMP-VS400_M250: .csv, .zip or shapefile)</source>
      <translation>J-SHIS 表層地盤データ（Z-V4-JAPAN-AMP-VS400_M250：.csv、.zip またはシェープファイル）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="159" />
      <source>JMA instrumental intensity</source>
      <translation>計測震度</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="37" />
      <source>JMA intensity</source>
      <translation>計測震度</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/packaging.py" line="291" />
      <source>JMA intensity (median and realizations)</source>
      <translation>計測震度（中央値と各試行）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="110" />
      <source>JMA intensity field (for ignitions of buildings that do not collapse)</source>
      <translation>計測震度のフィールド（倒壊しない建物からの出火用）</translation>
    </message>
    <message>
      <source>JMA intensity field (used with an ignition table)</source>
      <translation type="vanished">計測震度のフィールド（出火率表とともに使用）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="117" />
      <source>JMA intensity of the median ground motion (optional)</source>
      <translation>地震動の中央値の計測震度（任意）</translation>
    </message>
    <message>
      <source>JMA seismic intensity</source>
      <translation type="vanished">計測震度</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/publicexport.py" line="77" />
      <source>Japanese</source>
      <translation>日本語</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/publicexport.py" line="77" />
      <source>Japanese and English</source>
      <translation>日本語と英語</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/publish.py" line="129" />
      <source>KIND: '{0}' is not a layer kind of the profile ({1}).</source>
      <translation>KIND：'{0}' はプロファイルにあるレイヤの種類ではありません（{1}）。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/publish.py" line="132" />
      <source>KIND: no layer named '{0}' is in LAYERS.</source>
      <translation>KIND：'{0}' という名前のレイヤは LAYERS にありません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/publish.py" line="124" />
      <source>KIND: write layer name=kind pairs separated by ';', e.g. relief centres=shelters.</source>
      <translation>KIND：レイヤ名=種類 の組を ';' で区切って書いてください（例：relief centres=shelters）。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/imputebuildingattributes.py" line="95" />
      <source>Known construction year field (optional; its values are kept)</source>
      <translation>既知の建築年のフィールド（任意、値はそのまま使用）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/imputebuildingattributes.py" line="97" />
      <source>Known fire-resistance field (optional; its values are kept)</source>
      <translation>既知の耐火性能のフィールド（任意、値はそのまま使用）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/imputebuildingattributes.py" line="96" />
      <source>Known floors field (optional; its values are kept)</source>
      <translation>既知の階数のフィールド（任意、値はそのまま使用）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/imputebuildingattributes.py" line="94" />
      <source>Known structure field (optional; its values are kept)</source>
      <translation>既知の構造のフィールド（任意、値はそのまま使用）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/plateau.py" line="88" />
      <source>LAYER: give building footprints (polygons).</source>
      <translation>LAYER：建物の形状（ポリゴン）を指定してください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/plateau.py" line="92" />
      <source>LAYER: no PLATEAU attribute fields found (usage, buildingStructureType, fireproofStructureType, yearOfConstruction, storeysAboveGround, measuredHeight, buildingID); fields: {0}</source>
      <translation>LAYER：PLATEAU の属性フィールド（usage、buildingStructureType、fireproofStructureType、yearOfConstruction、storeysAboveGround、measuredHeight、buildingID）が見つかりません。フィールド：{0}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/plateau.py" line="103" />
      <source>LAYER: the layer has no features.</source>
      <translation>LAYER：レイヤに地物がありません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/publish.py" line="161" />
      <source>LAYERS: choose at least one result layer to publish.</source>
      <translation>LAYERS：公開する結果レイヤを 1 つ以上選んでください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/publish.py" line="173" />
      <source>LAYERS: layer '{0}' has no valid CRS; set its CRS in QGIS first.</source>
      <translation>LAYERS：レイヤ '{0}' に有効な座標系がありません。先に QGIS で座標系を設定してください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/publish.py" line="167" />
      <source>LAYERS: the layer name '{0}' asks for kind '{1}', which the profile does not have ({2}).</source>
      <translation>LAYERS：レイヤ名 '{0}' は種類 '{1}' を指定していますが、設定にその種類はありません（{2}）。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="277" />
      <source>LICENSE: {0}</source>
      <translation>LICENSE：{0}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/publicexport.py" line="77" />
      <source>Languages</source>
      <translation>言語</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/params.py" line="266" />
      <source>Largest distance from a shelter to a street (m); farther shelters are flagged and not used</source>
      <translation>避難所から道路までの最大距離（m）。これより遠い避難所は印を付けて使いません</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/evacuationroutes.py" line="116" />
      <source>Largest distance from an origin or shelter to a street (m; 0 = any)</source>
      <translation>出発地・避難所から道路までの最大距離（m、0 = 制限なし）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/evacuationroutes.py" line="238" />
      <source>Largest distance from an origin to its street: {0:.0f} m (origin {1}); walking times start at the street (field snap_m). Set MAX_SNAP_DISTANCE to leave far origins unplaced.</source>
      <translation>出発地から道路までの最大距離：{0:.0f} m（出発地 {1}）。徒歩時間は道路上から数えます（フィールド snap_m）。遠い出発地を割り当てない場合は MAX_SNAP_DISTANCE を指定してください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/catchments.py" line="33" />
      <source>Largest distance of a place from its street (m)</source>
      <translation>道路からの最大距離（m）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/publish.py" line="194" />
      <source>Layer '{0}' has no geometry: skipped.</source>
      <translation>レイヤ '{0}' には形状がないため、スキップしました。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/publish.py" line="183" />
      <source>Layer '{0}' is neither a vector nor a raster layer: skipped.</source>
      <translation>レイヤ '{0}' はベクタでもラスタでもないため、スキップしました。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/publicexport.py" line="107" />
      <source>Layer kinds (layer name=kind; ..., e.g. relief centres=shelters)</source>
      <translation>レイヤの種類（レイヤ名=種類; ...、例：relief centres=shelters）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/publicexport.py" line="88" />
      <source>Layers with more features than this go to the web map as vector tiles</source>
      <translation>地物数がこれを超えるレイヤはベクタタイルとしてウェブ地図に載せる</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/layouts.py" line="143" />
      <source>Legend</source>
      <translation>凡例</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/roadblockage.py" line="65" />
      <source>Length-weighted mean blockage probability {0:.1%}; {1} segments closed.</source>
      <translation>延長で重み付けした平均閉塞確率 {0:.1%}、通行止め {1} 区間。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/publicexport.py" line="81" />
      <source>Licence</source>
      <translation>ライセンス</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="218" />
      <source>Licence of the results (empty = ODbL 1.0 with OpenStreetMap streets, else CC BY 4.0)</source>
      <translation>結果のライセンス（空欄＝OpenStreetMapの道路を使うときODbL 1.0、それ以外はCC BY 4.0）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="281" />
      <source>Limit states: {0}</source>
      <translation>被害区分：{0}</translation>
    </message>
    <message>
      <location filename="suginami_gis/gui.py" line="250" />
      <source>Load sample ward</source>
      <translation>サンプルの区を読み込む</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="177" />
      <source>Loss per building crossed (dB; empty = ITU-R P.2109 traditional building at the frequency)</source>
      <translation>建物 1 棟を通過するごとの損失（dB、空欄 = その周波数での ITU-R P.2109 の従来型建物）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/wifiplacement.py" line="57" />
      <source>Maximise</source>
      <translation>最大化する値</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/wifiplacement.py" line="51" />
      <source>Maximum number of new access points</source>
      <translation>新設アクセスポイントの最大数</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/groundmotion.py" line="147" />
      <source>Median JMA intensity {0:.2f}-{1:.2f}; {2:.0%} of the extent at 6- or more.</source>
      <translation>計測震度の中央値 {0:.2f}〜{1:.2f}、範囲の {2:.0%} が震度6弱以上。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/params.py" line="323" />
      <source>Memory limit (GB; a run estimated to need more is refused; default half of this machine's)</source>
      <translation>メモリの上限（GB。見積もりがこれを超える計算は中止。既定はこのコンピュータのメモリの半分）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="236" />
      <source>Method</source>
      <translation>計算手法</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/layouts.py" line="202" />
      <source>Methods and sources: see report.pdf.</source>
      <translation>手法と出典：report.pdf を参照。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/groundmotion.py" line="96" />
      <source>Midorikawa et al. (1994)</source>
      <translation>翠川ほか（1994）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/groundmotion.py" line="101" />
      <source>Midorikawa et al. (1999)</source>
      <translation>翠川ほか（1999）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/base.py" line="221" />
      <source>Missing Python packages for QGIS's Python: {0}. Install them with the menu Plugins &gt; Suginami disaster planning &gt; Install Python packages… (without the desktop: {1}).</source>
      <translation>QGIS の Python に必要なパッケージがありません：{0}。メニューの［プラグイン］&gt;［杉並区 防災計画］&gt;［Python パッケージをインストール…］でインストールしてください（デスクトップを使わない場合：{1}）。</translation>
    </message>
    <message>
      <source>Missing Python packages for QGIS's Python: {0}. Install them with: python3 -m pip install --user {1} (or from your system's packages), then restart QGIS.</source>
      <translation type="vanished">QGIS の Python に必要なパッケージがありません：{0}。python3 -m pip install --user {1} でインストールし（またはシステムのパッケージから導入し）、QGIS を再起動してください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/packaging.py" line="280" />
      <source>Mitigated</source>
      <translation>対策後</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="170" />
      <source>Mitigation: fire-proofing areas (optional polygons; the target is then the 不燃領域率 of each area)</source>
      <translation>対策：不燃化の区域（任意のポリゴン。指定すると目標は区域ごとの不燃領域率になります）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="251" />
      <source>Mitigation: initial extinguishment (0-1; empty = as the current state)</source>
      <translation>対策：初期消火率（0〜1。空欄 = 現状と同じ）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="245" />
      <source>Mitigation: seismic circuit breaker share (0-1; empty = as the current state)</source>
      <translation>対策：感震ブレーカーの設置率（0〜1。空欄 = 現状と同じ）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="229" />
      <source>Mitigation: share of buildings meeting the 1981 seismic standard (0-1; ward target 0.96)</source>
      <translation>対策：新耐震基準（1981 年）を満たす建物の割合（0〜1、区の目標 0.96）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="234" />
      <source>Mitigation: share of fire-resistant buildings (0-1; ward target 0.70)</source>
      <translation>対策：耐火建物の割合（0〜1、区の目標 0.70）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="29" />
      <source>Moment magnitude Mw</source>
      <translation>モーメントマグニチュード Mw</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/params.py" line="66" />
      <source>Moment magnitude Mw (4-9)</source>
      <translation>モーメントマグニチュード Mw（4〜9）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/executor_param.py" line="38" />
      <source>Monte Carlo chunks run on: {0}</source>
      <translation>モンテカルロ計算の実行先：{0}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="250" />
      <source>Monte Carlo realizations</source>
      <translation>モンテカルロ試行回数</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="109" />
      <source>Monte Carlo realizations (0 = exact expected values)</source>
      <translation>モンテカルロ試行回数（0 = 期待値を厳密に計算）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="207" />
      <source>Municipality (e.g. 東京都練馬区; empty = from the GSI shelters or PLATEAU building ids)</source>
      <translation>市区町村（例：東京都練馬区。空欄＝国土地理院の避難所データまたはPLATEAUの建物IDから）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/publicexport.py" line="100" />
      <source>Municipality for shelters.csv (e.g. 東京都練馬区; empty = the shelters' GSI field)</source>
      <translation>shelters.csv の市区町村（例：東京都練馬区。空欄＝避難所の国土地理院の項目から）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="279" />
      <source>Municipality: {0}; licence of the results: {1}; attribution: {2}</source>
      <translation>市区町村：{0}。結果のライセンス：{1}。出典：{2}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="350" />
      <source>Network: {0} nodes, {1} segments, {2:.1f} km</source>
      <translation>道路網：ノード {0}、区間 {1}、総延長 {2:.1f} km</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/wifiplacement.py" line="67" />
      <source>New access points</source>
      <translation>新設アクセスポイント</translation>
    </message>
    <message>
      <source>No IGNITION_TABLE: only ignitions of collapsed buildings are modelled, so fires are underestimated (see the help).</source>
      <translation type="vanished">IGNITION_TABLE がないため、全壊建物からの出火だけを扱います。火災は過小評価になります（ヘルプを参照）。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/evacuationroutes.py" line="158" />
      <source>No blockage probabilities: the safest and balanced costs equal the shortest.</source>
      <translation>閉塞確率がないため、最も安全な経路・バランス型の経路は最短経路と同じになります。</translation>
    </message>
    <message>
      <source>No report module (suginami_gis/processing/report.py): report.pdf is not written.</source>
      <translation type="vanished">報告書のモジュール（suginami_gis/processing/report.py）がないため、report.pdf は作成しません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="224" />
      <source>None</source>
      <translation>なし</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/publish.py" line="47" />
      <source>None (offline: ward, districts, roads and relief centres from the data)</source>
      <translation>なし（オフライン: データから作る区域・地区・主要道路・避難所）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/report.py" line="573" />
      <source>Not available: the scenario did not write this layer.</source>
      <translation>ありません：シナリオはこのレイヤを出力していません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/gui.py" line="151" />
      <source>Not installed: {0}. They are built against the GEOS and GDAL that QGIS uses, which needs their build files: run in a terminal
  {1}
then click Install Python packages again.</source>
      <translation>インストールされていません：{0}。これらは QGIS が使う GEOS と GDAL に合わせてビルドするため、その開発用ファイルが必要です。端末で次を実行し、
  {1}
もう一度［Python パッケージをインストール…］をクリックしてください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/render.py" line="228" />
      <source>Nothing to render: no layers.</source>
      <translation>描画するものがありません：レイヤがありません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/render.py" line="234" />
      <source>Nothing to render: the layers are empty.</source>
      <translation>描画するものがありません：レイヤが空です。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="403" />
      <source>OCCUPANTS_FIELD not given: each building has {0:.2f} residents (DEFAULT_OCCUPANTS).</source>
      <translation>OCCUPANTS_FIELD の指定がないため、各建物の居住者を {0:.2f} 人（DEFAULT_OCCUPANTS）とします。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/buildings.py" line="248" />
      <source>OCCUPANTS_FIELD: {0} buildings have an empty or negative occupant count.</source>
      <translation>OCCUPANTS_FIELD：{0} 棟で居住者数が空または負です。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/buildings.py" line="222" />
      <source>OCCUPANTS_FIELD: {0} buildings have more occupants than 1.5 people per m² on 64 floors of their footprint could be (feature ids {1}); check the field (they are used as given).</source>
      <translation>OCCUPANTS_FIELD: {0} 棟の在館者数が、建築面積の 64 階分に 1 m² あたり 1.5 人が入る人数を超えています（地物 ID {1}）。フィールドを確認してください（値はそのまま使います）。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/evacuation.py" line="117" />
      <source>ORIGINS: the layer has no features; choose a layer of origins.</source>
      <translation>ORIGINS：レイヤに地物がありません。出発地のレイヤを選んでください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="177" />
      <source>OSM_AREA: the layer has no features; choose polygons such as the districts.</source>
      <translation>OSM_AREA：レイヤに地物がありません。地区などのポリゴンを選んでください。</translation>
    </message>
    <message>
      <source>OSM_FILE is given: the street layer (ROADS) is not used.</source>
      <translation type="vanished">OSM_FILE が指定されているため、道路レイヤ（ROADS）は使いません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/settings.py" line="170" />
      <source>OSM_FILE: {0} does not exist.</source>
      <translation>OSM_FILE：{0} は存在しません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/districts.py" line="32" />
      <source>OUTPUT_DISTRICTS: no DISTRICTS layer was given, so no district table is written.</source>
      <translation>OUTPUT_DISTRICTS：DISTRICTS レイヤが指定されていないため、地区別の表は書き出しません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/settings.py" line="130" />
      <source>OUTPUT_FOLDER: choose a folder for the results.</source>
      <translation>OUTPUT_FOLDER：結果を保存するフォルダを選んでください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/settings.py" line="249" />
      <source>OUTPUT_FOLDER: {0} exists and is not empty; choose a new folder or set OVERWRITE.</source>
      <translation>OUTPUT_FOLDER：{0} は既にあり、空ではありません。新しいフォルダを選ぶか OVERWRITE を指定してください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/settings.py" line="244" />
      <source>OUTPUT_FOLDER: {0} is a file; choose a folder.</source>
      <translation>OUTPUT_FOLDER：{0} はファイルです。フォルダを選んでください。</translation>
    </message>
    <message>
      <source>OUTPUT_FOLDER: {0} is not an earlier scenario folder (no {1}); it is never replaced.</source>
      <translation type="vanished">OUTPUT_FOLDER：{0} は以前のシナリオのフォルダではない（{1} がない）ため、置き換えません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="145" />
      <source>Occupants field (optional; residents per building)</source>
      <translation>居住者数のフィールド（任意、建物ごとの居住者数）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="63" />
      <source>Occupants field (residents per building)</source>
      <translation>居住者数のフィールド（建物ごとの居住者数）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="228" />
      <source>Occupants per building without an occupants field</source>
      <translation>居住者数のフィールドがない場合の 1 棟あたりの居住者数</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="197" />
      <source>Oldest wooden buildings first</source>
      <translation>古い木造建物から</translation>
    </message>
    <message>
      <location filename="suginami_gis/gui.py" line="244" />
      <source>Open the scenario dialog of the Suginami disaster-planning tools</source>
      <translation>杉並区 防災計画ツールの被害想定シナリオのダイアログを開きます</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="214" />
      <source>Open-space ratio field of the areas (空地率, %; optional)</source>
      <translation>区域の空地率のフィールド（%、任意）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="277" />
      <source>Open-space ratio of the areas when there is no field (空地率, 0-0.99)</source>
      <translation>フィールドがない場合の区域の空地率（0〜0.99）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="124" />
      <source>OpenStreetMap (*.osm *.xml *.pbf)</source>
      <translation>OpenStreetMap（*.osm *.xml *.pbf）</translation>
    </message>
    <message>
      <source>OpenStreetMap (*.osm *.xml)</source>
      <translation type="vanished">OpenStreetMap（*.osm *.xml）</translation>
    </message>
    <message>
      <source>OpenStreetMap XML (*.osm *.xml)</source>
      <translation type="vanished">OpenStreetMap XML（*.osm *.xml）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="290" />
      <source>OpenStreetMap streets are used: the street layer (ROADS) is not.</source>
      <translation>OpenStreetMap の道路を使うため、道路レイヤ（ROADS）は使いません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="201" />
      <source>OpenStreetMap streets of the area (cache folder {0})</source>
      <translation>範囲内の OpenStreetMap の道路（キャッシュフォルダ {0}）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="119" />
      <source>Or an OpenStreetMap file (.osm XML or .osm.pbf; walking network, read offline; used instead of the streets)</source>
      <translation>または OpenStreetMap ファイル（.osm XML または .osm.pbf。歩行ネットワーク、オフラインで読み込み。道路レイヤの代わりに使用）</translation>
    </message>
    <message>
      <source>Or an OpenStreetMap file (.osm XML; used instead of the streets)</source>
      <translation type="vanished">または OpenStreetMap ファイル（.osm XML、道路レイヤの代わりに使用）</translation>
    </message>
    <message>
      <source>Or an OpenStreetMap file (.osm XML; walking network, read offline; used instead of the streets)</source>
      <translation type="vanished">または OpenStreetMap ファイル（.osm XML、歩行者ネットワーク、オフラインで読込。道路レイヤの代わりに使用）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/imputebuildingattributes.py" line="136" />
      <source>Or another ward's shares (optional JSON or CSV: seismic_standard_share, fire_resistant_share, wood_share, name, sources)</source>
      <translation>またはほかの区の割合（任意の JSON または CSV：seismic_standard_share、fire_resistant_share、wood_share、name、sources）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/evacuationroutes.py" line="71" />
      <source>Or district polygons (optional)</source>
      <translation>または地区のポリゴン（任意）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="130" />
      <source>Or download the OpenStreetMap streets inside these polygons (e.g. the districts; needs the internet once)</source>
      <translation>またはこのポリゴン（地区など）内の OpenStreetMap の道路をダウンロード（初回のみインターネットが必要）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="140" />
      <source>Or download the OpenStreetMap streets of this extent (needs the internet once)</source>
      <translation>またはこの範囲の OpenStreetMap の道路をダウンロード（初回のみインターネットが必要）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/importplateau.py" line="49" />
      <source>Or: a PLATEAU export layer (GeoPackage ...) with the same attributes</source>
      <translation>または：同じ属性を持つ PLATEAU のエクスポートレイヤ（GeoPackage など）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/evacuation.py" line="59" />
      <source>Origin id field (optional)</source>
      <translation>出発地 ID のフィールド（任意）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/evacuation.py" line="54" />
      <source>Origins (homes, buildings or district centroids: points or polygons)</source>
      <translation>出発地（住宅・建物・地区の重心：点またはポリゴン）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/evacuationroutes.py" line="83" />
      <source>Origins with their shelter</source>
      <translation>避難先付きの出発地</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/groundmotion.py" line="113" />
      <source>Output CRS (projected, metres)</source>
      <translation>出力の座標系（投影座標系、メートル単位）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/publicexport.py" line="118" />
      <source>Output folder</source>
      <translation>出力フォルダ</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="221" />
      <source>P.1411 NLoS environment</source>
      <translation>P.1411 の見通し外の環境</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="159" />
      <source>PGV (cm/s)</source>
      <translation>最大速度 PGV（cm/s）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/groundmotion.py" line="100" />
      <source>PGV to JMA intensity</source>
      <translation>PGV から計測震度への換算式</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="369" />
      <source>PIXEL_SIZE: the burn-probability raster would have {0} pixels (more than {1}); choose a coarser pixel.</source>
      <translation>PIXEL_SIZE：焼失確率ラスタが {0} ピクセルになり、上限の {1} を超えます。より粗いピクセルを指定してください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/groundmotion.py" line="190" />
      <source>PIXEL_SIZE: {0} x {1} pixels is more than {2}; choose a coarser pixel or a smaller extent.</source>
      <translation>PIXEL_SIZE：{0} × {1} ピクセルは上限の {2} を超えます。より粗いピクセルか、より狭い範囲を指定してください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/importplateau.py" line="35" />
      <source>PLATEAU building CityGML files (*.gml)</source>
      <translation>PLATEAU 建築物 CityGML ファイル（*.gml）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/plateau.py" line="97" />
      <source>PLATEAU fields found: {0}</source>
      <translation>見つかった PLATEAU のフィールド：{0}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/evacuation.py" line="126" />
      <source>POPULATION_FIELD not given: each origin counts {0:.2f} people (DEFAULT_OCCUPANTS).</source>
      <translation>POPULATION_FIELD の指定がないため、各出発地を {0:.2f} 人（DEFAULT_OCCUPANTS）として数えます。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="347" />
      <source>P_BLOCK_FIELD: blockage probabilities must be between 0 and 1.</source>
      <translation>P_BLOCK_FIELD：閉塞確率は 0 から 1 の間でなければなりません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="306" />
      <source>P_BLOCK_FIELD: field '{0}' is not in the street layer (fields: {1}).</source>
      <translation>P_BLOCK_FIELD：フィールド '{0}' が道路レイヤにありません（フィールド：{1}）。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/blockage.py" line="108" />
      <source>P_BURN_FIELD: field '{0}' is not in the buildings layer.</source>
      <translation>P_BURN_FIELD：フィールド '{0}' が建物レイヤにありません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="416" />
      <source>P_COLLAPSE_MEDIAN_FIELD and INTENSITY_MEDIAN_FIELD go together: no median-scenario totals.</source>
      <translation>P_COLLAPSE_MEDIAN_FIELD と INTENSITY_MEDIAN_FIELD は両方指定してください。地震動の中央値による集計は行いません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/groundmotion.py" line="74" />
      <source>Peak ground velocity (cm/s)</source>
      <translation>最大速度（cm/s）</translation>
    </message>
    <message>
      <source>People not reaching a shelter in time</source>
      <translation type="vanished">制限時間内に避難所に到達できない人数</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/evacuationroutes.py" line="253" />
      <source>People of the unreachable origins: {0:,.1f}</source>
      <translation>到達できない出発地の人数：{0:,.1f}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/evacuation.py" line="72" />
      <source>People per origin without a population field (default: 4.60 per building, as building damage)</source>
      <translation>人口フィールドがない場合の出発地あたりの人数（既定：建物被害と同じ 1 棟 4.60 人）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/groundmotion.py" line="110" />
      <source>Pixel size (m)</source>
      <translation>ピクセルサイズ（m）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="149" />
      <source>Pixel size of the burn-probability raster (m)</source>
      <translation>焼失確率ラスタのピクセルサイズ（m）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/distributepopulation.py" line="83" />
      <source>Population column of the table</source>
      <translation>表の人口列</translation>
    </message>
    <message>
      <source>Population field (optional; 1 person per origin without it)</source>
      <translation type="vanished">人口のフィールド（任意、ない場合は出発地 1 か所につき 1 人）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/evacuation.py" line="62" />
      <source>Population field (optional; without it each origin counts DEFAULT_OCCUPANTS people)</source>
      <translation>人口フィールド（任意。ない場合は各出発地を DEFAULT_OCCUPANTS 人として数えます）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/distributepopulation.py" line="71" />
      <source>Population table (CSV: 町丁別人口, e-Stat small-area or mesh table)</source>
      <translation>人口表（CSV：町丁別人口、e-Stat 小地域またはメッシュの表）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/publicexport.py" line="74" />
      <source>Profiles (*.yaml *.yml *.json)</source>
      <translation>設定ファイル（*.yaml *.yml *.json）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="218" />
      <source>Propagation model</source>
      <translation>電波伝搬モデル</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/publicexport.py" line="38" />
      <source>Public map export (open data and bilingual web map)</source>
      <translation>公開用地図エクスポート（オープンデータと日英ウェブ地図）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="51" />
      <source>Public map folder</source>
      <translation>公開用地図のフォルダ</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/publicexport.py" line="39" />
      <source>Public maps</source>
      <translation>公開用地図</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/publicexport.py" line="114" />
      <source>Publish per building (kinds, e.g. damage_buildings; empty = district aggregates only)</source>
      <translation>建物ごとに公開する種類（例：damage_buildings。空欄＝地区ごとの集計値のみ）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/groundmotion.py" line="170" />
      <source>REALIZATIONS: the two rasters would take about {0:.1f} GB ({1} bands of {2} cells) but the output disk has {3:.1f} GB free; lower REALIZATIONS or PIXEL_SIZE, or write to a disk with more space.</source>
      <translation>REALIZATIONS：2 つのラスタは約 {0:.1f} GB（{2} セルのバンド {1} 個）になりますが、出力先のディスクの空きは {3:.1f} GB です。REALIZATIONS を減らすか PIXEL_SIZE を大きくするか、空きのあるディスクに書き出してください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/settings.py" line="163" />
      <source>ROADS and OSM_FILE: give one of them, not both.</source>
      <translation>ROADS と OSM_FILE：どちらか一方だけを指定してください。</translation>
    </message>
    <message>
      <source>ROADS: give a street layer or an OSM_FILE.</source>
      <translation type="vanished">ROADS：道路レイヤか OSM_FILE を指定してください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/settings.py" line="161" />
      <source>ROADS: give a street layer, an OSM_FILE or an OSM_AREA / OSM_EXTENT.</source>
      <translation>ROADS：道路レイヤ、OSM_FILE、または OSM_AREA / OSM_EXTENT を指定してください。</translation>
    </message>
    <message>
      <source>ROADS: give a street line layer or an OSM_FILE.</source>
      <translation type="vanished">ROADS：道路のラインレイヤか OSM_FILE を指定してください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="295" />
      <source>ROADS: give a street line layer, an OSM_FILE or an OSM_AREA / OSM_EXTENT.</source>
      <translation>ROADS：道路の線レイヤ、OSM_FILE、または OSM_AREA / OSM_EXTENT を指定してください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="313" />
      <source>ROADS: the layer has no features; choose a street line layer.</source>
      <translation>ROADS：レイヤに地物がありません。道路のラインレイヤを選んでください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="197" />
      <source>Random (seeded)</source>
      <translation>無作為（シードで再現可能）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="32" />
      <source>Random seed</source>
      <translation>乱数シード</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="195" />
      <source>Reading the walking network of {0} (projected to {1})</source>
      <translation>{0} の歩行者ネットワークを読み込み中（{1} に投影）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/importavs30.py" line="69" />
      <source>Reading {0}</source>
      <translation>{0} を読み込み中</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/importplateau.py" line="70" />
      <source>Reading {0} CityGML files</source>
      <translation>{0} 個の CityGML ファイルを読み込み中</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/buildings.py" line="237" />
      <source>Reading {0} buildings</source>
      <translation>建物 {0} 棟を読み込み中</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="31" />
      <source>Realizations</source>
      <translation>試行回数</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/groundmotion.py" line="58" />
      <source>Realizations (0 = median only)</source>
      <translation>試行回数（0 = 中央値のみ）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="222" />
      <source>Receiver height (m)</source>
      <translation>受信点の高さ（m）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/packaging.py" line="278" />
      <source>Reduction by district (mitigated versus current)</source>
      <translation>地区別の被害軽減（対策後と現状の比較）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/layouts.py" line="62" />
      <source>Reduction by the mitigation programme</source>
      <translation>対策による被害軽減</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/publicexport.py" line="83" />
      <source>Replace the output folder if it exists</source>
      <translation>出力フォルダが既にある場合は置き換える</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="145" />
      <source>Replace the output folder if it holds an earlier scenario</source>
      <translation>出力フォルダに以前のシナリオがある場合は置き換える</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/report.py" line="854" />
      <source>Report written: {0}</source>
      <translation>報告書を作成しました：{0}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/report.py" line="818" />
      <source>Report: charts</source>
      <translation>報告書：グラフ</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/report.py" line="801" />
      <source>Report: map {0}</source>
      <translation>報告書：地図 {0}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/report.py" line="794" />
      <source>Report: print layout</source>
      <translation>報告書：印刷レイアウト</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/report.py" line="826" />
      <source>Report: writing report.html</source>
      <translation>報告書：report.html を作成中</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/report.py" line="823" />
      <source>Report: writing report.pdf</source>
      <translation>報告書：report.pdf を作成中</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="221" />
      <source>Residential</source>
      <translation>住宅地</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="115" />
      <source>Residents field (optional; evacuees and relief-centre residents)</source>
      <translation>居住者数のフィールド（任意、避難者数と避難所避難者数の算出用）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="124" />
      <source>Residents per building without a residents field (default: 4.60, as building damage)</source>
      <translation>居住者フィールドがない場合の建物あたりの居住者数（既定：建物被害と同じ 4.60 人）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/publicexport.py" line="68" />
      <source>Result layers to publish (vector and raster)</source>
      <translation>公開する結果レイヤ（ベクタとラスタ）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="196" />
      <source>Retrofit priority (which buildings below the standard are retrofitted first)</source>
      <translation>耐震化の優先順位（基準を満たさない建物のうちどれから耐震化するか）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="35" />
      <source>Retrofit target (1981-standard share, 0 = none)</source>
      <translation>耐震化の目標（1981 年基準を満たす割合、0 = なし）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="177" />
      <source>Retrofit target: share meeting the 1981 standard after retrofit (0-1, optional)</source>
      <translation>耐震化の目標：対策後に新耐震基準（1981 年）を満たす建物の割合（0〜1、任意）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="185" />
      <source>Retrofitted-building field (optional, boolean)</source>
      <translation>耐震化済み建物のフィールド（任意、真偽値）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="148" />
      <source>Reuse downloaded OpenStreetMap streets for (days; 0 = download again)</source>
      <translation>ダウンロードした OpenStreetMap の道路を再利用する期間（日。0 = 毎回ダウンロード）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="45" />
      <source>Road blockage</source>
      <translation>道路閉塞</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/roadblockage.py" line="23" />
      <source>Road blockage by collapsed buildings and fire</source>
      <translation>建物倒壊・火災による道路閉塞</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="75" />
      <source>Road class field (OSM highway values)</source>
      <translation>道路種別のフィールド（OSM の highway の値）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="89" />
      <source>Road class field (OSM highway values, optional)</source>
      <translation>道路種別のフィールド（OSM の highway の値、任意）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/evacuationroutes.py" line="73" />
      <source>Route cost</source>
      <translation>経路のコスト</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/publish.py" line="99" />
      <source>SCENARIO: write the scenario as KEY=value pairs separated by ';', e.g. MAGNITUDE=7.3; SCENARIO_HOUR=18.</source>
      <translation>SCENARIO：シナリオは ';' で区切った KEY=値 の組で書いてください（例：MAGNITUDE=7.3; SCENARIO_HOUR=18）。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="245" />
      <source>SCENARIO_HOUR: {0} is not one of Tokyo's scenario hours 5, 12 or 18.</source>
      <translation>SCENARIO_HOUR：{0} は東京都の想定時刻（5 時・12 時・18 時）のいずれでもありません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/shelters.py" line="91" />
      <source>SHELTERS: the layer has no features; choose a layer with at least one shelter.</source>
      <translation>SHELTERS：レイヤに地物がありません。避難所が 1 か所以上あるレイヤを選んでください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/shelters.py" line="146" />
      <source>SHELTERS: {0} GSI records are {1} sites (the two lists merged); {2} used.</source>
      <translation>SHELTERS：国土地理院の {0} 件のレコードは {1} か所（2つの一覧を統合）。{2} か所を使用します。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/buildings.py" line="182" />
      <source>STRUCTURE_FIELD and YEAR_FIELD: choose the building fields.</source>
      <translation>STRUCTURE_FIELD と YEAR_FIELD：建物のフィールドを選んでください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="286" />
      <source>SUPPRESSION_RATE is deprecated: use INITIAL_EXTINGUISHMENT (same meaning).</source>
      <translation>SUPPRESSION_RATE は旧パラメータです。INITIAL_EXTINGUISHMENT（同じ意味）を使ってください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="181" />
      <source>Safest (least blockage risk)</source>
      <translation>最も安全（閉塞の危険が最小）</translation>
    </message>
    <message>
      <location filename="suginami_gis/gui.py" line="90" />
      <source>Sample ward</source>
      <translation>サンプルの区</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/catchments.py" line="42" />
      <source>Sampling interval along the streets (m)</source>
      <translation>道路沿いの評価間隔（m）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/groundmotion.py" line="43" />
      <source>Scenario ground motion (PGV, JMA intensity)</source>
      <translation>想定地震の地震動（最大速度・計測震度）</translation>
    </message>
    <message>
      <location filename="suginami_gis/gui.py" line="241" />
      <source>Scenario ground motion…</source>
      <translation>想定地震の地震動…</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="164" />
      <source>Scenario hour (5, 12 or 18)</source>
      <translation>想定時刻（5 時・12 時・18 時）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="115" />
      <source>Scenario hour (5, 12 or 18; winter)</source>
      <translation>想定時刻（5 時・12 時・18 時、冬）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="166" />
      <source>Scenario hour, winter (cited coefficients for 5, 6-7, 11-12, 17-18)</source>
      <translation>想定時刻、冬（係数の出典は 5 時、6〜7 時、11〜12 時、17〜18 時）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/publicexport.py" line="94" />
      <source>Scenario parameters (KEY=value; ...)</source>
      <translation>シナリオのパラメータ（KEY=値; ...）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="159" />
      <source>Season (the cited time-of-day coefficients are for winter)</source>
      <translation>季節（出典の時刻別係数は冬のもの）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="144" />
      <source>Seismic circuit breakers: share of premises with one (0-1; Tokyo 2022: 0.083)</source>
      <translation>感震ブレーカーの設置率（0〜1。東京都 令和4年：0.083）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/layouts.py" line="55" />
      <source>Seismic intensity (JMA)</source>
      <translation>震度分布（気象庁震度階）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="218" />
      <source>Severe injuries per occupant of a collapsed building</source>
      <translation>全壊建物の居住者 1 人あたりの重傷者数</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/imputebuildingattributes.py" line="103" />
      <source>Share built to the 1981 seismic standard</source>
      <translation>新耐震基準（1981 年）の建物の割合</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/imputebuildingattributes.py" line="108" />
      <source>Share of fire-resistant buildings</source>
      <translation>耐火建物の割合</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="223" />
      <source>Share of residents of half-collapsed buildings needing shelter</source>
      <translation>半壊建物の居住者のうち避難所へ避難する割合</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/imputebuildingattributes.py" line="109" />
      <source>Share of wooden buildings</source>
      <translation>木造建物の割合</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/imputebuildingattributes.py" line="141" />
      <source>Shares table (*.json *.csv)</source>
      <translation>割合の表 (*.json *.csv)</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/wifiplacement.py" line="23" />
      <source>Shelter Wi-Fi access point placement</source>
      <translation>避難所 Wi-Fi アクセスポイントの配置</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/wificoverage.py" line="30" />
      <source>Shelter Wi-Fi coverage</source>
      <translation>避難所 Wi-Fi の電波到達範囲</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="118" />
      <source>Shelter capacity field (people)</source>
      <translation>避難所の収容人数のフィールド（人）</translation>
    </message>
    <message>
      <source>Shelter demand (people)</source>
      <translation type="vanished">避難所避難者数（人）</translation>
    </message>
    <message>
      <source>Shelter id field</source>
      <translation type="vanished">避難所 ID のフィールド</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/params.py" line="237" />
      <source>Shelter id field (optional; unique)</source>
      <translation>避難所 ID のフィールド（任意、重複不可）</translation>
    </message>
    <message>
      <source>Shelter name field</source>
      <translation type="vanished">避難所名のフィールド</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/params.py" line="242" />
      <source>Shelter name field (optional)</source>
      <translation>避難所名のフィールド（任意）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/shelteraccess.py" line="39" />
      <source>Shelter service areas</source>
      <translation>避難所の圏域</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/shelteraccess.py" line="31" />
      <source>Shelter service areas by walking time</source>
      <translation>避難所の圏域（徒歩時間帯別）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="23" />
      <source>Shelter sites</source>
      <translation>避難所の敷地</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="123" />
      <source>Shelter sites (optional polygons; Wi-Fi statistics per site)</source>
      <translation>避難所の敷地（任意のポリゴン。敷地ごとの Wi-Fi 集計）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="273" />
      <source>Shelter sites (polygons)</source>
      <translation>避難所の敷地（ポリゴン）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="22" />
      <source>Shelters</source>
      <translation>避難所</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/evacuationroutes.py" line="72" />
      <source>Shelters (points)</source>
      <translation>避難所（点）</translation>
    </message>
    <message>
      <source>Shelters (relief centres, points)</source>
      <translation type="vanished">避難所（震災救援所、点）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="117" />
      <source>Shelters (required; relief centres, points)</source>
      <translation>避難所（必須。ポイント）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="49" />
      <source>Shelters and Wi-Fi</source>
      <translation>避難所と Wi-Fi</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/evacuationroutes.py" line="86" />
      <source>Shelters with assigned population</source>
      <translation>割当人口付きの避難所</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="48" />
      <source>Shelters: assigned population</source>
      <translation>避難所：割当人口</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="181" />
      <source>Shortest</source>
      <translation>最短</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="235" />
      <source>Simulation (Monte Carlo, Hamada spread times)</source>
      <translation>シミュレーション（モンテカルロ、浜田式の延焼時間）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/groundmotion.py" line="95" />
      <source>Site amplification</source>
      <translation>地盤増幅</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="78" />
      <source>Site id field</source>
      <translation>敷地 ID のフィールド</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/wificoverage.py" line="62" />
      <source>Site statistics</source>
      <translation>敷地別の統計</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/wifiplacement.py" line="70" />
      <source>Site statistics before and after</source>
      <translation>敷地別の統計（配置前と配置後）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi_outputs.py" line="107" />
      <source>Sites whose busiest access point serves more than {0} clients: {1}</source>
      <translation>最も混むアクセスポイントの接続数が {0} を超える敷地：{1}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="215" />
      <source>Smaller of the two spread-limit distances</source>
      <translation>2 棟の延焼限界距離の小さい方</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="96" />
      <source>Snap tolerance for joining line ends (m)</source>
      <translation>線の端点をつなぐ許容距離（m）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="353" />
      <source>Spacing of automatic candidates (m)</source>
      <translation>自動候補地点の間隔（m）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="214" />
      <source>Spread rule between two buildings</source>
      <translation>2 棟間の延焼の判定方法</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="199" />
      <source>Spread-limit distance, bare wood (m)</source>
      <translation>延焼限界距離、裸木造（m）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="200" />
      <source>Spread-limit distance, fire-protected wood (m)</source>
      <translation>延焼限界距離、防火木造（m）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="202" />
      <source>Spread-limit distance, fireproof (m)</source>
      <translation>延焼限界距離、耐火（m）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="201" />
      <source>Spread-limit distance, semi-fireproof (m)</source>
      <translation>延焼限界距離、準耐火（m）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/chain.py" line="81" />
      <source>Step suginami:{0} failed: {1}</source>
      <translation>手順 suginami:{0} が失敗しました：{1}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/chain.py" line="98" />
      <source>Step {0}: GDAL could not write {1}: {2}</source>
      <translation>ステップ {0}：GDAL が {1} を書き込めませんでした：{2}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/chain.py" line="69" />
      <source>Step {0}: suginami:{1}</source>
      <translation>手順 {0}：suginami:{1}</translation>
    </message>
    <message>
      <location filename="suginami_gis/gui.py" line="163" />
      <source>Still unavailable: {0}. Restart QGIS, then check their help.</source>
      <translation>まだ使えないアルゴリズム：{0}。QGIS を再起動し、各アルゴリズムのヘルプを確認してください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/roadblockage.py" line="29" />
      <source>Street segments with blockage</source>
      <translation>閉塞確率付きの道路区間</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="74" />
      <source>Street width field (m)</source>
      <translation>道路幅員のフィールド（m）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="88" />
      <source>Street width field (m, optional)</source>
      <translation>道路幅員のフィールド（m、任意）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="21" />
      <source>Streets</source>
      <translation>道路</translation>
    </message>
    <message>
      <source>Streets (centre lines in a projected CRS; or give an OSM file or area)</source>
      <translation type="vanished">道路（投影座標系の中心線。または OSM ファイルか範囲を指定）</translation>
    </message>
    <message>
      <source>Streets (centre lines in a projected CRS; or give an OSM file)</source>
      <translation type="vanished">道路（投影座標系の中心線、または OSM ファイルを指定）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="82" />
      <source>Streets (centre lines in a projected CRS; or the output of Road blockage)</source>
      <translation>道路（投影座標系の中心線、または道路閉塞の出力）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="108" />
      <source>Streets (required unless an OSM file or area is given; centre lines, any CRS)</source>
      <translation>道路（OSM ファイルか範囲を指定しない場合は必須。中心線、CRS は任意）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="222" />
      <source>Strong-wind stretch in every direction</source>
      <translation>全方向に強風係数を掛ける</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="141" />
      <source>Structure field (wood / non_wood, 木造 / 非木造)</source>
      <translation>構造のフィールド（wood / non_wood、木造 / 非木造）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/packaging.py" line="215" />
      <source>Style of {0} could not be stored: {1}</source>
      <translation>{0} のスタイルを保存できませんでした：{1}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/packaging.py" line="212" />
      <source>Style {0} could not be loaded: {1}</source>
      <translation>スタイル {0} を読み込めませんでした：{1}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/chain.py" line="437" />
      <source>Styles stored in the GeoPackage for {0} layers.</source>
      <translation>{0} レイヤのスタイルを GeoPackage に保存しました。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/imputebuildingattributes.py" line="129" />
      <source>Suginami (ward figures, docs/methods/impute.md)</source>
      <translation>杉並区（区の数値、docs/methods/impute.md）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/provider.py" line="51" />
      <source>Suginami disaster planning</source>
      <translation>杉並区 防災計画</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/provider.py" line="54" />
      <source>Suginami disaster planning (earthquake, fire, evacuation, Wi-Fi, public maps)</source>
      <translation>杉並区 防災計画（地震・火災・避難・Wi-Fi・公開地図）</translation>
    </message>
    <message>
      <location filename="suginami_gis/gui.py" line="61" />
      <source>Suginami disaster planning: help</source>
      <translation>杉並区 防災計画：ヘルプ</translation>
    </message>
    <message>
      <source>Suginami disaster-planning GIS: earthquake scenario report</source>
      <translation type="vanished">杉並区 防災計画 GIS：地震被害想定の報告書</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/publicexport.py" line="82" />
      <source>Suppress district statistics below this count</source>
      <translation>この数未満の地区統計は公開しない</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/wifiplacement.py" line="48" />
      <source>Target covered share of all sites (0-1)</source>
      <translation>全敷地の受信エリアの割合の目標（0〜1）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="148" />
      <source>Taxonomy field (optional; for OpenQuake fragility models)</source>
      <translation>建物分類のフィールド（任意、OpenQuake の被害関数モデル用）</translation>
    </message>
    <message>
      <location filename="suginami_gis/gui.py" line="149" />
      <source>The installer stopped: {0}</source>
      <translation>インストールが中断しました：{0}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/chain.py" line="294" />
      <source>The mitigated run runs in a second process beside the current state.</source>
      <translation>対策後の実行は、現状の実行と並行して2つ目のプロセスで実行します。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/concurrent.py" line="260" />
      <source>The mitigated run's worker process stopped with code {0}; its log: {1}</source>
      <translation>対策後の実行のワーカープロセスがコード {0} で終了しました。ログ：{1}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/packaging.py" line="302" />
      <source>The project file could not be written: {0}</source>
      <translation>プロジェクトファイルを書き込めませんでした：{0}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/ground.py" line="177" />
      <source>The raster's first band is the median: the {0} realization bands are used.</source>
      <translation>ラスタの第 1 バンドは中央値のため、{0} 個の試行バンドを使います。</translation>
    </message>
    <message>
      <source>The report module has no write_report(): report.pdf is not written.</source>
      <translation type="vanished">報告書のモジュールに write_report() がないため、report.pdf は作成しません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/report.py" line="393" />
      <source>The scenario GeoPackage has no layer to map.</source>
      <translation>シナリオの GeoPackage に地図にするレイヤがありません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="310" />
      <source>The street layer has no blockage field: every street is taken as open.</source>
      <translation>道路レイヤに閉塞確率のフィールドがないため、すべての道路を通行可能とみなします。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/base.py" line="334" />
      <source>The style {0} was not saved beside the raster ({1}); the raster {2} is complete and is styled when loaded now, but opened later it shows in grey: free disk space and load {3} from the plugin's styles folder.</source>
      <translation>スタイル {0} をラスタの横に保存できませんでした（{1}）。ラスタ {2} は完全で、今回読み込むときにはスタイルが付きますが、後で開くと灰色で表示されます。ディスクの空きを作り、プラグインの styles フォルダの {3} を読み込んでください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/chain.py" line="289" />
      <source>The two runs run one after the other (only file layers can be read by a second process): {0}</source>
      <translation>2つの実行を順に実行します（2つ目のプロセスが読めるのはファイルのレイヤだけです）：{0}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="225" />
      <source>Thresholds (dBm, comma-separated; the first is the primary one)</source>
      <translation>受信電力のしきい値（dBm、カンマ区切り。最初の値が主しきい値）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/publish.py" line="50" />
      <source>Tile URL (BASEMAP_URL)</source>
      <translation>タイルURL（BASEMAP_URL）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/catchments.py" line="29" />
      <source>Time bands (minutes, comma separated)</source>
      <translation>時間帯（分、カンマ区切り）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/evacuationroutes.py" line="102" />
      <source>Time limit (minutes; 0 = none)</source>
      <translation>制限時間（分、0 = なし）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="297" />
      <source>Time per step (s): {0}</source>
      <translation>手順ごとの所要時間（秒）：{0}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="174" />
      <source>Time-of-day ignition coefficient relative to 05:00 (optional; empty = cited table)</source>
      <translation>5 時に対する時刻別出火係数（任意、空欄 = 出典の表の値）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/publicexport.py" line="79" />
      <source>Title (English)</source>
      <translation>タイトル（英語）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/publicexport.py" line="78" />
      <source>Title (Japanese)</source>
      <translation>タイトル（日本語）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="210" />
      <source>Title of the public maps (empty = municipality and run)</source>
      <translation>公開地図のタイトル（空欄＝市区町村と実行名）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="215" />
      <source>Tokyo: half-distance buffers touch</source>
      <translation>東京都の方式：延焼限界距離の半分のバッファが接する</translation>
    </message>
    <message>
      <location filename="suginami_gis/gui.py" line="165" />
      <source>Unavailable until then: {0}.</source>
      <translation>それまで使えないアルゴリズム：{0}。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="221" />
      <source>Urban high-rise</source>
      <translation>高層市街地</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/chain.py" line="262" />
      <source>Waiting for the mitigated run in the second process</source>
      <translation>2つ目のプロセスでの対策後の実行を待っています</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="240" />
      <source>Walking speed (m/s; 1.0 general, 0.5-0.8 elderly)</source>
      <translation>歩行速度（m/s、一般 1.0、高齢者 0.5〜0.8）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="40" />
      <source>Ward damage summary</source>
      <translation>区全体の建物被害集計</translation>
    </message>
    <message>
      <location filename="suginami_gis/gui.py" line="239" />
      <source>Ward earthquake scenario (current state and mitigation)…</source>
      <translation>区の地震被害想定シナリオ（現状と対策後）…</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="157" />
      <source>Ward fire summary</source>
      <translation>区全体の火災集計</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="59" />
      <source>Ward scenario, one run (graphical model of the chain)</source>
      <translation>区の被害想定シナリオ（1 回分、計算の流れのグラフィカルモデル）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="90" />
      <source>Ward scenario: current state versus mitigation (whole chain)</source>
      <translation>区の被害想定シナリオ：現状と対策後の比較（一括実行）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/imputebuildingattributes.py" line="128" />
      <source>Ward shares preset (the share parameters override it where changed)</source>
      <translation>区の割合のプリセット（割合パラメータを変えた場合はそちらが優先）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="130" />
      <source>Ward summary</source>
      <translation>区全体の集計</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/packaging.py" line="279" />
      <source>Ward totals before and after</source>
      <translation>区全体の対策前後の合計</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/buildingdamage.py" line="412" />
      <source>Ward: {0:.0f} collapsed, {1:.0f} half-collapsed, {2:.1f} deaths, {3:.1f} severe injuries, {4:.0f} people needing shelter ({5:.0f} buildings skipped).</source>
      <translation>区全体：全壊 {0:.0f} 棟、半壊 {1:.0f} 棟、死者 {2:.1f} 人、重傷者 {3:.1f} 人、避難所避難者 {4:.0f} 人（推計できなかった建物 {5:.0f} 棟）。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="452" />
      <source>Ward: {0:.2f} expected ignitions, {1:.0f} burned buildings (5-95 %: {2:.0f}-{3:.0f}), {4:.1f} fire deaths; fire-resistant share {5:.1%}.</source>
      <translation>区全体：出火 {0:.2f} 件（期待値）、焼失 {1:.0f} 棟（5〜95 %：{2:.0f}〜{3:.0f} 棟）、火災による死者 {4:.1f} 人、耐火建物の割合 {5:.1%}。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/publicexport.py" line="152" />
      <source>Web map: {0} (open it from disk or serve the folder)</source>
      <translation>ウェブ地図: {0}（ファイルを直接開くか、フォルダをウェブサーバで公開）</translation>
    </message>
    <message>
      <source>Web map: {0} (serve the folder with any web server)</source>
      <translation type="vanished">ウェブ地図：{0}（フォルダを任意のウェブサーバで公開してください）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/shelteraccess.py" line="36" />
      <source>Which shelter is nearest by</source>
      <translation>最寄りの避難所を決める基準</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="24" />
      <source>Wi-Fi access points</source>
      <translation>Wi-Fi アクセスポイント</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="130" />
      <source>Wi-Fi access points (optional points; without them the Wi-Fi step is skipped)</source>
      <translation>Wi-Fi アクセスポイント（任意のポイント。ない場合は Wi-Fi の手順を省略）</translation>
    </message>
    <message>
      <source>Wi-Fi access points (points)</source>
      <translation type="vanished">Wi-Fi アクセスポイント（点）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="49" />
      <source>Wi-Fi coverage</source>
      <translation>Wi-Fi の電波到達範囲</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="50" />
      <source>Wi-Fi per shelter site</source>
      <translation>避難所の敷地ごとの Wi-Fi</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="190" />
      <source>Wi-Fi pixel size (m)</source>
      <translation>Wi-Fi のピクセルサイズ（m）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/packaging.py" line="293" />
      <source>Wi-Fi received power (dBm)</source>
      <translation>Wi-Fi の受信電力（dBm）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="186" />
      <source>Wind direction (degrees the wind comes from; NNW = 337.5)</source>
      <translation>風向（風が吹いてくる方位角、度。北北西 = 337.5）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/firespread.py" line="220" />
      <source>Wind effect on the spread-limit distance</source>
      <translation>延焼限界距離への風の影響</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/model.py" line="34" />
      <source>Wind speed (m/s)</source>
      <translation>風速（m/s）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="183" />
      <source>Wind speed (m/s, 0-30)</source>
      <translation>風速（m/s、0〜30）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="160" />
      <source>Winter</source>
      <translation>冬</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/importplateau.py" line="54" />
      <source>Working CRS (projected, metres)</source>
      <translation>計算用の座標系（投影座標系、メートル単位）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/distributepopulation.py" line="129" />
      <source>Working CRS for floor areas (projected, metres)</source>
      <translation>延床面積を測る作業座標系（投影座標系、m）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/scenario.py" line="196" />
      <source>Write the public web maps (public_baseline/, public_mitigated/)</source>
      <translation>公開用ウェブ地図を書き出す（public_baseline/、public_mitigated/）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/base.py" line="264" />
      <source>Writing the outputs failed: {0} ({1}). Nothing was replaced: free disk space or choose another folder for the outputs.</source>
      <translation>出力の書き込みに失敗しました：{0}（{1}）。何も置き換えていません。ディスクの空きを作るか、別の出力フォルダを選んでください。</translation>
    </message>
    <message>
      <source>Writing vector tiles of {0} failed: {1}</source>
      <translation type="vanished">{0} のベクタタイルの書き込みに失敗しました：{1}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/staging.py" line="156" />
      <source>Writing {0} failed: the file holds {1} of the {2} features written (is the disk full or the folder not writable?). Nothing was replaced: free space or choose another {0}.</source>
      <translation>{0} の書き込みに失敗しました: 書き込んだ {2} 件の地物のうちファイルにあるのは {1} 件です（ディスクの空きがないか、フォルダーに書き込めません）。何も置き換えていません。空きを作るか、別の {0} を選んでください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/staging.py" line="210" />
      <source>Writing {0} failed: {1}</source>
      <translation>{0} の書き込みに失敗しました: {1}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/gpkg_sql.py" line="481" />
      <source>Writing {0} failed: {1} (is the disk full or the folder not writable?). Nothing was replaced: free space or choose another {0}.</source>
      <translation>{0} の書き込みに失敗しました: {1}（ディスクの空きがないか、フォルダーに書き込めません）。何も置き換えていません。空きを作るか、別の {0} を選んでください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/fireproofing.py" line="119" />
      <source>YEAR_FIELD is used only with FIREPROOF_AREAS and FIREPROOF_TARGET_RATE: buildings are chosen at random.</source>
      <translation>YEAR_FIELD は FIREPROOF_AREAS と FIREPROOF_TARGET_RATE を指定したときだけ使います。建物はランダムに選びます。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/concurrent.py" line="230" />
      <source>[mitigated run] {0}</source>
      <translation>［対策後の実行］{0}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/plausibility.py" line="31" />
      <source>a building height above 330 m (Japan's tallest building)</source>
      <translation>330 m（日本一高いビル）を超える建物の高さ</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/plausibility.py" line="29" />
      <source>a building height below 0 m or above 828 m (Burj Khalifa, the world's tallest building)</source>
      <translation>負または 828 m（世界一高いビル、ブルジュ・ハリファ）を超える建物の高さ</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/concurrent.py" line="94" />
      <source>a data-defined value</source>
      <translation>データ定義の値です</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/concurrent.py" line="109" />
      <source>a filtered layer (subset string)</source>
      <translation>フィルタ（サブセット文字列）付きのレイヤです</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/plausibility.py" line="37" />
      <source>a number of floors below 0 or above 163 (Burj Khalifa, the world's tallest building)</source>
      <translation>負または 163（世界一高いビル、ブルジュ・ハリファ）を超える階数</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/concurrent.py" line="107" />
      <source>a {0} layer, not a file</source>
      <translation>{0} のレイヤで、ファイルではありません</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/plausibility.py" line="58" />
      <source>above the limit is legal only on a wider channel; below 0 dBm the value may be in dBW (dBm = dBW + 30)</source>
      <translation>上限を超える値はより広いチャネル幅でのみ適法です。0 dBm 未満は dBW の値かもしれません（dBm = dBW + 30）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/plausibility.py" line="52" />
      <source>an EIRP above 30 dBm (1 W), the most a Wi-Fi access point may radiate in Japan (無線設備規則 第49条の20)</source>
      <translation>日本で Wi-Fi アクセスポイントに許される最大の 30 dBm（1 W）を超える EIRP（無線設備規則 第49条の20）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/plausibility.py" line="54" />
      <source>an EIRP above the 20 MHz-channel limit of its band in Japan (2.4 GHz 25.2 dBm, 5.2/5.3 GHz 23 dBm, 5.6 GHz 30 dBm) or below 0 dBm</source>
      <translation>日本の帯域ごとの 20 MHz 幅チャネルの上限（2.4 GHz 25.2 dBm、5.2/5.3 GHz 23 dBm、5.6 GHz 30 dBm）を超えるか 0 dBm 未満の EIRP</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/plausibility.py" line="47" />
      <source>an antenna height above 330 m (the roof of Japan's tallest building)</source>
      <translation>330 m（日本一高いビルの屋上）を超えるアンテナ高</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/plausibility.py" line="45" />
      <source>an antenna height below 0 m or above 634 m (Tokyo Skytree, Japan's tallest structure)</source>
      <translation>負または 634 m（日本一高い建造物、東京スカイツリー）を超えるアンテナ高</translation>
    </message>
    <message>
      <location filename="suginami_gis/gui.py" line="149" />
      <source>canceled</source>
      <translation>キャンセルされました</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/concurrent.py" line="105" />
      <source>cannot be opened</source>
      <translation>開けません</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="248" />
      <source>cannot read '{0}' as dBm values; write e.g. -67,-75</source>
      <translation>'{0}' を dBm の値として読めません。-67,-75 のように入力してください</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/plausibility.py" line="30" />
      <source>check the field holds metres (not centimetres or millimetres), then correct or remove them</source>
      <translation>フィールドの単位がメートル（cm や mm でない）か確かめ、値を直すか地物を除いてください</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/plausibility.py" line="38" />
      <source>check the field holds storeys above ground, then correct or remove them</source>
      <translation>フィールドが地上階数か確かめ、値を直すか地物を除いてください</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/plausibility.py" line="40" />
      <source>check the field holds storeys, not metres</source>
      <translation>フィールドがメートルでなく階数か確かめてください</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/plausibility.py" line="32" />
      <source>check the unit is metres</source>
      <translation>単位がメートルか確かめてください</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="199" />
      <source>choose the field that holds the building heights (m)</source>
      <translation>建物高さ（m）のフィールドを選んでください</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="251" />
      <source>give at least one threshold in dBm, e.g. -67,-75</source>
      <translation>しきい値（dBm）を 1 つ以上指定してください（例：-67,-75）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/plausibility.py" line="53" />
      <source>give the EIRP in dBm, 10·log10 of the power in mW (100 mW = 20 dBm)</source>
      <translation>EIRP は dBm（mW 単位の電力の 10·log10、100 mW = 20 dBm）で指定してください</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/plausibility.py" line="46" />
      <source>give the height in metres above ground (not centimetres)</source>
      <translation>高さは地上からのメートル（cm でなく）で指定してください</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/ground.py" line="66" />
      <source>it cannot be transformed to longitude and latitude</source>
      <translation>経度・緯度に変換できません</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/ground.py" line="54" />
      <source>it is not a longitude,latitude pair</source>
      <translation>経度,緯度の組になっていません</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/ground.py" line="73" />
      <source>it lies outside the area where {0} is used</source>
      <translation>{0} の適用範囲の外にあります</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/ground.py" line="70" />
      <source>it lies outside the area where {0} is used, and swapped it would lie inside; write {1},{2}</source>
      <translation>{0} の適用範囲の外にあり、入れ替えると範囲内になります。{1},{2} と書いてください</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/ground.py" line="51" />
      <source>latitude {0} is impossible: it looks like latitude and longitude swapped; write {1},{2}</source>
      <translation>緯度 {0} はありえません。緯度と経度が入れ替わっているようです。{1},{2} と書いてください</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/plausibility.py" line="39" />
      <source>more than 64 floors (Japan's tallest building)</source>
      <translation>64 階（日本一高いビル）を超える階数</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="383" />
      <source>new access points</source>
      <translation>新しいアクセスポイント</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/staging.py" line="154" />
      <source>none</source>
      <translation>0</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/concurrent.py" line="112" />
      <source>not a file</source>
      <translation>ファイルではありません</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/concurrent.py" line="102" />
      <source>not a layer</source>
      <translation>レイヤではありません</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/wifiplacement.py" line="130" />
      <source>not reached</source>
      <translation>未達成</translation>
    </message>
    <message>
      <location filename="suginami_gis/gui.py" line="156" />
      <source>pip failed: the log above says why. Nothing in QGIS's own Python was changed.</source>
      <translation>pip が失敗しました。原因は上のログに表示されています。QGIS 本体の Python は何も変更されていません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/wifiplacement.py" line="130" />
      <source>reached</source>
      <translation>達成</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/concurrent.py" line="97" />
      <source>selected features, a feature limit or a geometry check</source>
      <translation>選択地物、地物数の上限またはジオメトリチェックが指定されています</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/concurrent.py" line="74" />
      <source>streets downloaded from OpenStreetMap</source>
      <translation>OpenStreetMap からダウンロードする道路です</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/provider.py" line="33" />
      <source>suginami: algorithm module {0} failed to load:
{1}</source>
      <translation>suginami：アルゴリズムのモジュール {0} を読み込めませんでした：
{1}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/provider.py" line="71" />
      <source>suginami: the scenario model failed to load:
{0}</source>
      <translation>suginami: シナリオのモデルを読み込めませんでした：
{0}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/packaging.py" line="213" />
      <source>suginami_gis style {0}</source>
      <translation>suginami_gis のスタイル {0}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="394" />
      <source>the candidate layer holds no points; leave it empty for automatic ones</source>
      <translation>候補地点のレイヤに点がありません。自動で候補を作る場合は空欄にしてください</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="327" />
      <source>the extent is empty; draw or choose a non-empty extent</source>
      <translation>範囲が空です。空でない範囲を描くか選んでください</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/wificoverage.py" line="74" />
      <source>the layer holds no access points</source>
      <translation>レイヤにアクセスポイントがありません</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/wifiplacement.py" line="96" />
      <source>the layer holds no site polygons</source>
      <translation>レイヤに敷地のポリゴンがありません</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/field_memory.py" line="138" />
      <source>the layer's file</source>
      <translation>レイヤーのファイル</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/field_memory.py" line="138" />
      <source>the project</source>
      <translation>プロジェクト</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/wifiplacement.py" line="80" />
      <source>the sites hold about {0:,} pixels, more than {1:,}; choose a coarser pixel size</source>
      <translation>敷地は約 {0:,} ピクセルで、{1:,} を超えます。より粗いピクセルサイズを選んでください</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/evacuation.py" line="151" />
      <source>ward</source>
      <translation>区全体</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/publicexport.py" line="150" />
      <source>{0} -&gt; {1} ({2}): {3}</source>
      <translation>{0} → {1}（{2}）：{3}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="120" />
      <source>{0} access point(s) have no geometry; fix or remove them</source>
      <translation>{0} 個のアクセスポイントに位置がありません。修正するか削除してください</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/distributepopulation.py" line="246" />
      <source>{0} areas have no residential building: their residents went to all their floor area.</source>
      <translation>{0} 区域には住居系の建物がないため、居住者を全延床面積に配分しました。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/distributepopulation.py" line="240" />
      <source>{0} areas have people but no building in the layer ({1} residents not placed), e.g. {2}.</source>
      <translation>{0} 区域には人口がありますがレイヤ内に建物がありません（配分できなかった居住者 {1} 人）。例：{2}。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/roadblockage.py" line="38" />
      <source>{0} buildings</source>
      <translation>建物 {0} 棟</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="362" />
      <source>{0} buildings have no collapse probability (e.g. outside the ground-motion raster): taken as 0.</source>
      <translation>{0} 棟に全壊確率がありません（地震動ラスタの範囲外など）。0 とみなします。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/buildings.py" line="264" />
      <source>{0} buildings have no geometry: skipped.</source>
      <translation>{0} 棟に形状がないため、スキップしました。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="377" />
      <source>{0} buildings have no intensity: no ignition of a standing building for them.</source>
      <translation>{0} 棟に震度がないため、これらの建物には倒壊しない建物からの出火を見込みません。</translation>
    </message>
    <message>
      <source>{0} buildings have no intensity: no table ignition for them.</source>
      <translation type="vanished">{0} 棟に計測震度がないため、出火率表による出火は計算しません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="337" />
      <source>{0} crossings without a shared vertex are not connected (bridges, tunnels or unnoded lines).</source>
      <translation>共有頂点のない交差 {0} か所は接続していません（橋梁・トンネル、またはノードのない線）。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/params.py" line="197" />
      <source>{0} districts have no geometry: ignored.</source>
      <translation>{0} 地区に形状がないため、無視しました。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/plausibility.py" line="91" />
      <source>{0} feature(s) have {1} (feature ids {2}); {3}</source>
      <translation>{0} 件の地物が{1}をもっています（地物 ID {2}）。{3}</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/fireproofing.py" line="54" />
      <source>{0} fire-proofing areas have no open-space ratio: OPEN_SPACE_RATIO is used for them.</source>
      <translation>{0} 区域に空地率がないため、OPEN_SPACE_RATIO を使います。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/fireproofing.py" line="70" />
      <source>{0} fire-proofing areas; {1} buildings lie in them.</source>
      <translation>不燃化の区域 {0} 件、区域内の建物 {1} 棟。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="434" />
      <source>{0} firebreak polygons</source>
      <translation>延焼遮断帯のポリゴン {0} 個</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/importavs30.py" line="73" />
      <source>{0} meshes; grid {1} x {2} pixels of {3} m in {4}</source>
      <translation>{0} メッシュ。グリッド {1} × {2} 画素（{3} m、{4}）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/wifiplacement.py" line="125" />
      <source>{0} new access point(s) out of {1} candidates; covered share {2:.1%} -&gt; {3:.1%} (target {4})</source>
      <translation>候補 {1} 地点から {0} 台を新設、受信エリアの割合 {2:.1%} → {3:.1%}（目標 {4}）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/evacuationroutes.py" line="255" />
      <source>{0} of {1} origins reach a shelter within {2:g} minutes; {3} unreachable.</source>
      <translation>出発地 {1} か所のうち {0} か所が {2:g} 分以内に避難所に到達、到達不能 {3} か所。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/evacuationroutes.py" line="259" />
      <source>{0} of {1} origins reach a shelter; {2} unreachable.</source>
      <translation>出発地 {1} か所のうち {0} か所が避難所に到達、到達不能 {2} か所。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/roadblockage.py" line="45" />
      <source>{0} of {1} segments had no width: estimated from the building footprints (or the road class).</source>
      <translation>{1} 区間のうち {0} 区間に幅員がないため、建物形状（または道路種別）から推定しました。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/evacuation.py" line="122" />
      <source>{0} origins have no population: taken as 0.</source>
      <translation>出発地 {0} か所に人口がないため、0 とみなします。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/distributepopulation.py" line="234" />
      <source>{0} residents placed on {1} buildings; {2} buildings lie in no area of the table.</source>
      <translation>{0} 人の居住者を {1} 棟に配分しました。{2} 棟は表のどの区域にも入りません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/shelteraccess.py" line="71" />
      <source>{0} service areas for {1} shelters, {2:.2f} km2 in all.</source>
      <translation>避難所 {1} か所の圏域 {0} 件、合計 {2:.2f} km²。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/evacuationroutes.py" line="222" />
      <source>{0} shelters are farther than MAX_SNAP_DISTANCE from a street: not used.</source>
      <translation>避難所 {0} か所は道路から MAX_SNAP_DISTANCE より遠いため、使いません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/evacuationroutes.py" line="227" />
      <source>{0} shelters are farther than SHELTER_MAX_SNAP from a street ({1:.0f} to {2:.0f} m; field far_from_street): not used. Check that the street network covers them.</source>
      <translation>{0} か所の避難所が道路から SHELTER_MAX_SNAP より遠くにあります（{1:.0f}〜{2:.0f} m、項目 far_from_street）：使用しません。道路網がこれらの避難所を含むか確認してください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/wifi.py" line="299" />
      <source>{0} site(s) have no expected evacuees; fill the field (0 is allowed)</source>
      <translation>{0} か所の敷地に想定避難者数がありません。値を入力してください（0 も可）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="344" />
      <source>{0} streets have no blockage probability: taken as open.</source>
      <translation>道路 {0} 区間に閉塞確率がないため、通行可能とみなします。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/network.py" line="315" />
      <source>{0} streets have no geometry: skipped.</source>
      <translation>道路 {0} 本に形状がないため、スキップしました。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/distributepopulation.py" line="251" />
      <source>{0} suppressed table cells (*, X) were read as 0.</source>
      <translation>秘匿のセル（*、X）{0} 件を 0 として読みました。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/distributepopulation.py" line="226" />
      <source>{0} total rows of the table (e.g. {1}) left out.</source>
      <translation>表の合計行 {0} 行（例：{1}）を除きました。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/staging.py" line="322" />
      <source>{0} was given {1} times ({2}); give it once.</source>
      <translation>{0} が {1} 回指定されています（{2}）。1 回だけ指定してください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/staging.py" line="295" />
      <source>{0} would overwrite the input {1} ({2}): choose another file or folder for {0}.</source>
      <translation>{0} は入力 {1}（{2}）を上書きしてしまいます。{0} には別のファイルかフォルダーを選んでください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/ground.py" line="56" />
      <source>{0},{1} look like degrees, not metres of {2}; give the point with the CRS EPSG:4326</source>
      <translation>{0},{1} は {2} のメートルではなく度のようです。CRS を EPSG:4326 として点を指定してください</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/settings.py" line="204" />
      <source>{0}: choose a field of {1}.</source>
      <translation>{0}：{1} のフィールドを選んでください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/field_memory.py" line="125" />
      <source>{0}: field '{1}' (chosen)</source>
      <translation>{0}: フィールド '{1}'（指定）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/field_memory.py" line="133" />
      <source>{0}: field '{1}' (found by its name)</source>
      <translation>{0}: フィールド '{1}'（名前から検出）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/field_memory.py" line="136" />
      <source>{0}: field '{1}' (remembered with the layer {2})</source>
      <translation>{0}: フィールド '{1}'（レイヤー {2} に記憶された選択）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/conversions.py" line="76" />
      <source>{0}: field '{1}' holds '{2}', which is not a number; choose a numeric field.</source>
      <translation>{0}：フィールド '{1}' の値 '{2}' は数値ではありません。数値のフィールドを選んでください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/buildings.py" line="187" />
      <source>{0}: field '{1}' is not in the buildings layer (fields: {2}).</source>
      <translation>{0}：フィールド '{1}' が建物レイヤにありません（フィールド：{2}）。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/fire.py" line="351" />
      <source>{0}: field '{1}' is not in the buildings layer (fields: {2}); choose an existing field.</source>
      <translation>{0}：フィールド '{1}' が建物レイヤにありません（フィールド：{2}）。既存のフィールドを選んでください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/blockage.py" line="100" />
      <source>{0}: field '{1}' is not in the buildings layer (fields: {2}); run Earthquake building damage first or choose the field.</source>
      <translation>{0}：フィールド '{1}' が建物レイヤにありません（フィールド：{2}）。先に「地震による建物被害」を実行するか、フィールドを選んでください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/conversions.py" line="175" />
      <source>{0}: field '{1}' is not in the layer (fields: {2}); choose an existing field.</source>
      <translation>{0}：フィールド '{1}' がレイヤにありません（フィールド：{2}）。既存のフィールドを選んでください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/settings.py" line="207" />
      <source>{0}: field '{1}' is not in {2} (fields: {3}); choose an existing field.</source>
      <translation>{0}：フィールド '{1}' が {2} にありません（フィールド：{3}）。既存のフィールドを選んでください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/imputebuildingattributes.py" line="221" />
      <source>{0}: field '{1}' is not numeric.</source>
      <translation>{0}：フィールド '{1}' は数値ではありません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/buildings.py" line="195" />
      <source>{0}: field '{1}' is not numeric; choose a numeric field.</source>
      <translation>{0}：フィールド '{1}' は数値ではありません。数値のフィールドを選んでください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/distributepopulation.py" line="184" />
      <source>{0}: give polygons.</source>
      <translation>{0}：ポリゴンを指定してください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/conversions.py" line="409" />
      <source>{0}: only file-based rasters are supported (save the layer as GeoTIFF first).</source>
      <translation>{0}：ファイルのラスタだけに対応しています（先に GeoTIFF として保存してください）。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/conversions.py" line="117" />
      <source>{0}: the CRS is not valid; choose a projected CRS such as EPSG:6677.</source>
      <translation>{0}：座標系が無効です。EPSG:6677 などの投影座標系を選んでください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/inputs/buildings.py" line="141" />
      <source>{0}: the layer changed while it was read.</source>
      <translation>{0}: 読み込み中にレイヤが変更されました。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/algorithms/distributepopulation.py" line="181" />
      <source>{0}: the layer has no CRS; set its CRS (layer properties) first.</source>
      <translation>{0}：レイヤに座標系がありません。先にレイヤのプロパティで座標系を設定してください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/settings.py" line="176" />
      <source>{0}: the layer has no features.</source>
      <translation>{0}：レイヤに地物がありません。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/params.py" line="356" />
      <source>{0}: this run would need about {1:.1f} GB of memory ({2}), more than the limit of {3:.1f} GB. Make it smaller ({0}) or, if the machine has that much memory, raise MEMORY_LIMIT_GB.</source>
      <translation>{0}：この計算には約 {1:.1f} GB のメモリが必要で（{2}）、上限 {3:.1f} GB を超えます。計算を小さくする（{0}）か、そのメモリが実際にあるなら MEMORY_LIMIT_GB を上げてください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/conversions.py" line="479" />
      <source>{0}: value '{1}' is not a boolean; use true/false or 1/0.</source>
      <translation>{0}：値 '{1}' は真偽値ではありません。true/false または 1/0 を使ってください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/scenario/chain.py" line="489" />
      <source>{0}: {1:,.1f} -&gt; {2:,.1f} ({3})</source>
      <translation>{0}：{1:,.1f} → {2:,.1f}（{3}）</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/plausibility.py" line="99" />
      <source>{0}: {1} feature(s) have {2} (feature ids {3}); {4}. They are used as given.</source>
      <translation>{0}：{1} 件の地物が{2}をもっています（地物 ID {3}）。{4}。値はそのまま使います。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/conversions.py" line="210" />
      <source>{0}: {1} geometries were invalid after the transform to {2} and were repaired (make_valid).</source>
      <translation>{0}：{2} への変換後に不正となった {1} 個のジオメトリを修復しました（make_valid）。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/choices.py" line="42" />
      <source>{0}: {1} has no coefficients; choose one of {2}.</source>
      <translation>{0}: {1} には係数がありません。{2} のいずれかを選んでください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/conversions.py" line="121" />
      <source>{0}: {1} is geographic (degrees); choose a projected CRS in metres such as EPSG:6677 (JGD2011 / Japan Plane Rectangular CS IX).</source>
      <translation>{0}：{1} は地理座標系（度）です。EPSG:6677（JGD2011 / 平面直角座標系第IX系）などのメートル単位の投影座標系を選んでください。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/conversions.py" line="141" />
      <source>{0}: {1} is in degrees; its features are transformed to {2} (metres).</source>
      <translation>{0}：{1} は度単位のため、地物を {2}（メートル単位）に変換します。</translation>
    </message>
    <message>
      <location filename="suginami_gis/processing/plausibility.py" line="96" />
      <source>{0}: {1}. They are kept as given.</source>
      <translation>{0}：{1}。値はそのまま残します。</translation>
    </message>
  </context>
</TS>
