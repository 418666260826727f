<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.16" styleCategories="Symbology">
  <renderer-v2 type="RuleRenderer" symbollevels="0" enableorderby="1" forceraster="0">
    <rules key="{5f0c3a1e-0000-4000-8000-000000000001}">
      <rule key="{5f0c3a1e-0000-4000-8000-000000000002}" symbol="0" label="&gt;= -67 dBm (voice-grade)" filter="&quot;threshold_dbm&quot; &gt;= -67"/>
      <rule key="{5f0c3a1e-0000-4000-8000-000000000003}" symbol="1" label="-75 to -67 dBm (basic data)" filter="&quot;threshold_dbm&quot; &lt; -67 AND &quot;threshold_dbm&quot; &gt;= -75"/>
      <rule key="{5f0c3a1e-0000-4000-8000-000000000004}" symbol="2" label="below -75 dBm (marginal)" filter="ELSE"/>
    </rules>
    <symbols>
      <symbol type="fill" name="0" alpha="0.45" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" pass="0" locked="0" enabled="1">
          <Option type="Map">
            <Option name="color" value="26,150,65,255" type="QString"/>
            <Option name="outline_color" value="26,150,65,255" type="QString"/>
            <Option name="outline_style" value="solid" type="QString"/>
            <Option name="outline_width" value="0.4" type="QString"/>
            <Option name="outline_width_unit" value="MM" type="QString"/>
            <Option name="style" value="solid" type="QString"/>
          </Option>
        </layer>
      </symbol>
      <symbol type="fill" name="1" alpha="0.35" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" pass="0" locked="0" enabled="1">
          <Option type="Map">
            <Option name="color" value="253,174,97,255" type="QString"/>
            <Option name="outline_color" value="230,120,20,255" type="QString"/>
            <Option name="outline_style" value="solid" type="QString"/>
            <Option name="outline_width" value="0.4" type="QString"/>
            <Option name="outline_width_unit" value="MM" type="QString"/>
            <Option name="style" value="solid" type="QString"/>
          </Option>
        </layer>
      </symbol>
      <symbol type="fill" name="2" alpha="0.25" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" pass="0" locked="0" enabled="1">
          <Option type="Map">
            <Option name="color" value="215,25,28,255" type="QString"/>
            <Option name="outline_color" value="215,25,28,255" type="QString"/>
            <Option name="outline_style" value="solid" type="QString"/>
            <Option name="outline_width" value="0.4" type="QString"/>
            <Option name="outline_width_unit" value="MM" type="QString"/>
            <Option name="style" value="solid" type="QString"/>
          </Option>
        </layer>
      </symbol>
    </symbols>
    <orderby>
      <orderByClause asc="1" nullsFirst="0">"threshold_dbm"</orderByClause>
    </orderby>
  </renderer-v2>
  <blendMode>0</blendMode>
  <layerOpacity>1</layerOpacity>
</qgis>
