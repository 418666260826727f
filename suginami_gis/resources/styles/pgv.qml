<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.16" styleCategories="AllStyleCategories">
  <pipe>
    <rasterrenderer type="singlebandpseudocolor" band="1" opacity="0.8" alphaBand="-1" classificationMin="0" classificationMax="200" nodataColor="">
      <rastershader>
        <colorrampshader colorRampType="DISCRETE" classificationMode="1" clip="0" minimumValue="0" maximumValue="200">
            <item alpha="255" value="11.4" label="&lt; 11 cm/s (≈ 4 or less)" color="#f2f2ff"/>
            <item alpha="255" value="22.3" label="11-22 cm/s (≈ 5-)" color="#ffe600"/>
            <item alpha="255" value="43.6" label="22-44 cm/s (≈ 5+)" color="#ff9900"/>
            <item alpha="255" value="85.2" label="44-85 cm/s (≈ 6-)" color="#ff2800"/>
            <item alpha="255" value="166" label="85-166 cm/s (≈ 6+)" color="#a50021"/>
            <item alpha="255" value="inf" label="&gt; 166 cm/s (≈ 7)" color="#b40068"/>
        </colorrampshader>
      </rastershader>
    </rasterrenderer>
    <brightnesscontrast brightness="0" contrast="0" gamma="1"/>
    <huesaturation saturation="0" colorizeOn="0" grayscaleMode="0"/>
    <rasterresampler maxOversampling="2"/>
  </pipe>
  <blendMode>0</blendMode>
</qgis>
