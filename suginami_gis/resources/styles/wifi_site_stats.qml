<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.16" styleCategories="Symbology">
  <renderer-v2 type="graduatedSymbol" attr="share_primary" graduatedMethod="GraduatedColor" symbollevels="0" enableorderby="0" forceraster="0">
    <ranges>
      <range symbol="0" lower="0.000000" upper="0.500000" label="&lt; 50 % covered" render="true"/>
      <range symbol="1" lower="0.500000" upper="0.800000" label="50-80 % covered" render="true"/>
      <range symbol="2" lower="0.800000" upper="0.950000" label="80-95 % covered" render="true"/>
      <range symbol="3" lower="0.950000" upper="1.000000" label="95-100 % covered" render="true"/>
    </ranges>
    <symbols>
      <symbol type="fill" name="0" alpha="0.6" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" pass="0" locked="0" enabled="1">
          <Option type="Map">
            <Option name="color" value="215,25,28,255" type="QString"/>
            <Option name="outline_color" value="60,60,60,255" type="QString"/>
            <Option name="outline_style" value="solid" type="QString"/>
            <Option name="outline_width" value="0.4" type="QString"/>
            <Option name="outline_width_unit" value="MM" type="QString"/>
            <Option name="style" value="solid" type="QString"/>
          </Option>
        </layer>
      </symbol>
      <symbol type="fill" name="1" alpha="0.6" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" pass="0" locked="0" enabled="1">
          <Option type="Map">
            <Option name="color" value="253,174,97,255" type="QString"/>
            <Option name="outline_color" value="60,60,60,255" type="QString"/>
            <Option name="outline_style" value="solid" type="QString"/>
            <Option name="outline_width" value="0.4" type="QString"/>
            <Option name="outline_width_unit" value="MM" type="QString"/>
            <Option name="style" value="solid" type="QString"/>
          </Option>
        </layer>
      </symbol>
      <symbol type="fill" name="2" alpha="0.6" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" pass="0" locked="0" enabled="1">
          <Option type="Map">
            <Option name="color" value="166,217,106,255" type="QString"/>
            <Option name="outline_color" value="60,60,60,255" type="QString"/>
            <Option name="outline_style" value="solid" type="QString"/>
            <Option name="outline_width" value="0.4" type="QString"/>
            <Option name="outline_width_unit" value="MM" type="QString"/>
            <Option name="style" value="solid" type="QString"/>
          </Option>
        </layer>
      </symbol>
      <symbol type="fill" name="3" alpha="0.6" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" pass="0" locked="0" enabled="1">
          <Option type="Map">
            <Option name="color" value="26,150,65,255" type="QString"/>
            <Option name="outline_color" value="60,60,60,255" type="QString"/>
            <Option name="outline_style" value="solid" type="QString"/>
            <Option name="outline_width" value="0.4" type="QString"/>
            <Option name="outline_width_unit" value="MM" type="QString"/>
            <Option name="style" value="solid" type="QString"/>
          </Option>
        </layer>
      </symbol>
    </symbols>
  </renderer-v2>
  <blendMode>0</blendMode>
  <layerOpacity>1</layerOpacity>
</qgis>
