<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.16" styleCategories="AllStyleCategories">
  <pipe>
    <rasterrenderer type="singlebandpseudocolor" band="1" opacity="0.8" alphaBand="-1" classificationMin="100" classificationMax="800" nodataColor="">
      <rastershader>
        <colorrampshader colorRampType="DISCRETE" classificationMode="1" clip="0" minimumValue="100" maximumValue="800">
            <item alpha="255" value="180" label="&lt; 180 m/s (NEHRP E, soft soil)" color="#b2182b"/>
            <item alpha="255" value="250" label="180-250 m/s (NEHRP D, lower half)" color="#ef8a62"/>
            <item alpha="255" value="360" label="250-360 m/s (NEHRP D, upper half)" color="#fddbc7"/>
            <item alpha="255" value="760" label="360-760 m/s (NEHRP C, dense soil)" color="#67a9cf"/>
            <item alpha="255" value="inf" label="&gt; 760 m/s (NEHRP B, rock)" color="#2166ac"/>
        </colorrampshader>
      </rastershader>
    </rasterrenderer>
    <brightnesscontrast brightness="0" contrast="0" gamma="1"/>
    <huesaturation saturation="0" colorizeOn="0" grayscaleMode="0"/>
    <rasterresampler maxOversampling="2"/>
  </pipe>
  <blendMode>0</blendMode>
</qgis>
