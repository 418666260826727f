<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.16" styleCategories="AllStyleCategories">
  <pipe>
    <rasterrenderer type="singlebandpseudocolor" band="1" opacity="0.8" alphaBand="-1" classificationMin="4.0" classificationMax="7.0" nodataColor="">
      <rastershader>
        <colorrampshader colorRampType="DISCRETE" classificationMode="1" clip="0" minimumValue="4.0" maximumValue="7.0">
            <item alpha="255" value="4.5" label="4 or less / 震度4以下" color="#f2f2ff"/>
            <item alpha="255" value="5.0" label="5- / 震度5弱" color="#ffe600"/>
            <item alpha="255" value="5.5" label="5+ / 震度5強" color="#ff9900"/>
            <item alpha="255" value="6.0" label="6- / 震度6弱" color="#ff2800"/>
            <item alpha="255" value="6.5" label="6+ / 震度6強" color="#a50021"/>
            <item alpha="255" value="inf" label="7 / 震度7" color="#b40068"/>
        </colorrampshader>
      </rastershader>
    </rasterrenderer>
    <brightnesscontrast brightness="0" contrast="0" gamma="1"/>
    <huesaturation saturation="0" colorizeOn="0" grayscaleMode="0"/>
    <rasterresampler maxOversampling="2"/>
  </pipe>
  <blendMode>0</blendMode>
</qgis>
