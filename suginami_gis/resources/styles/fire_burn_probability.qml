<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.16" styleCategories="AllStyleCategories">
  <pipe>
    <rasterrenderer type="singlebandpseudocolor" band="1" opacity="1" alphaBand="-1" classificationMin="0" classificationMax="1" nodataColor="">
      <rastershader>
        <colorrampshader colorRampType="DISCRETE" classificationMode="1" clip="0" minimumValue="0" maximumValue="1">
            <item alpha="255" value="0.001" label="&lt; 0.1 % / 0.1%未満" color="#ffffcc"/>
            <item alpha="255" value="0.01" label="0.1-1 % / 0.1-1%" color="#fed976"/>
            <item alpha="255" value="0.05" label="1-5 % / 1-5%" color="#fd8d3c"/>
            <item alpha="255" value="0.2" label="5-20 % / 5-20%" color="#e31a1c"/>
            <item alpha="255" value="1.0" label="20-100 % / 20-100%" color="#800026"/>
        </colorrampshader>
      </rastershader>
    </rasterrenderer>
    <brightnesscontrast brightness="0" contrast="0" gamma="1"/>
    <huesaturation saturation="0" colorizeOn="0" grayscaleMode="0"/>
    <rasterresampler maxOversampling="2"/>
  </pipe>
  <blendMode>0</blendMode>
</qgis>
