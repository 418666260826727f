<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.16" styleCategories="AllStyleCategories">
  <pipe>
    <rasterrenderer type="singlebandpseudocolor" band="1" opacity="0.75" alphaBand="-1" classificationMin="-100" classificationMax="-30" nodataColor="">
      <rastershader>
        <colorrampshader colorRampType="DISCRETE" classificationMode="1" clip="0" minimumValue="-100" maximumValue="-30">
            <item alpha="255" value="-82" label="&lt; -82 dBm (below 6 Mb/s sensitivity)" color="#9e9e9e"/>
            <item alpha="255" value="-75" label="-82 to -75 dBm (marginal)" color="#d7191c"/>
            <item alpha="255" value="-70" label="-75 to -70 dBm (basic data)" color="#fdae61"/>
            <item alpha="255" value="-67" label="-70 to -67 dBm (fair)" color="#ffffbf"/>
            <item alpha="255" value="-60" label="-67 to -60 dBm (voice-grade)" color="#a6d96a"/>
            <item alpha="255" value="inf" label="&gt; -60 dBm (strong)" color="#1a9641"/>
        </colorrampshader>
      </rastershader>
    </rasterrenderer>
    <brightnesscontrast brightness="0" contrast="0" gamma="1"/>
    <huesaturation saturation="0" colorizeOn="0" grayscaleMode="0"/>
    <rasterresampler maxOversampling="2"/>
  </pipe>
  <blendMode>0</blendMode>
</qgis>
