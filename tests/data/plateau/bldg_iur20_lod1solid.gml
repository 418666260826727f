<?xml version="1.0" encoding="UTF-8"?>
<core:CityModel xmlns:core="http://www.opengis.net/citygml/2.0" xmlns:bldg="http://www.opengis.net/citygml/building/2.0" xmlns:gen="http://www.opengis.net/citygml/generics/2.0" xmlns:gml="http://www.opengis.net/gml" xmlns:xAL="urn:oasis:names:tc:ciq:xsdschema:xAL:2.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:uro="https://www.geospatial.jp/iur/uro/2.0">
	<gml:boundedBy>
		<gml:Envelope srsName="http://www.opengis.net/def/crs/EPSG/0/6697" srsDimension="3">
			<gml:lowerCorner>35.6990 139.6360 30.0</gml:lowerCorner>
			<gml:upperCorner>35.7000 139.6375 60.0</gml:upperCorner>
		</gml:Envelope>
	</gml:boundedBy>
	<core:cityObjectMember>
		<bldg:Building gml:id="bldg_20_rc">
			<bldg:usage codeSpace="../../codelists/Building_usage.xml">412</bldg:usage>
			<bldg:yearOfConstruction>1994</bldg:yearOfConstruction>
			<bldg:measuredHeight uom="m">18.5</bldg:measuredHeight>
			<bldg:storeysAboveGround>6</bldg:storeysAboveGround>
			<bldg:lod1Solid>
				<gml:Solid>
					<gml:exterior>
						<gml:CompositeSurface>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6990000 139.6362000 40.0 35.6990000 139.6363100 40.0 35.6990900 139.6363100 40.0 35.6990900 139.6362000 40.0 35.6990000 139.6362000 40.0</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6990000 139.6362000 40.0 35.6990000 139.6363100 40.0 35.6990000 139.6363100 58.5 35.6990000 139.6362000 58.5 35.6990000 139.6362000 40.0</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6990000 139.6363100 40.0 35.6990900 139.6363100 40.0 35.6990900 139.6363100 58.5 35.6990000 139.6363100 58.5 35.6990000 139.6363100 40.0</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6990900 139.6363100 40.0 35.6990900 139.6362000 40.0 35.6990900 139.6362000 58.5 35.6990900 139.6363100 58.5 35.6990900 139.6363100 40.0</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6990900 139.6362000 40.0 35.6990000 139.6362000 40.0 35.6990000 139.6362000 58.5 35.6990900 139.6362000 58.5 35.6990900 139.6362000 40.0</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6990000 139.6362000 58.5 35.6990000 139.6363100 58.5 35.6990900 139.6363100 58.5 35.6990900 139.6362000 58.5 35.6990000 139.6362000 58.5</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
						</gml:CompositeSurface>
					</gml:exterior>
				</gml:Solid>
			</bldg:lod1Solid>
			<uro:buildingIDAttribute>
				<uro:BuildingIDAttribute>
					<uro:buildingID>13115-bldg-101</uro:buildingID>
					<uro:prefecture codeSpace="../../codelists/Common_localPublicAuthorities.xml">13</uro:prefecture>
					<uro:city codeSpace="../../codelists/Common_localPublicAuthorities.xml">13115</uro:city>
				</uro:BuildingIDAttribute>
			</uro:buildingIDAttribute>
			<uro:buildingDetails>
				<uro:BuildingDetails>
					<uro:buildingStructureType codeSpace="../../codelists/BuildingDetails_buildingStructureType.xml">603</uro:buildingStructureType>
					<uro:fireproofStructureType codeSpace="../../codelists/BuildingDetails_fireproofStructureType.xml">1001</uro:fireproofStructureType>
					<uro:prefecture codeSpace="../../codelists/Common_prefecture.xml">13</uro:prefecture>
					<uro:city codeSpace="../../codelists/Common_localPublicAuthorities.xml">13115</uro:city>
				</uro:BuildingDetails>
			</uro:buildingDetails>
		</bldg:Building>
	</core:cityObjectMember>
	<core:cityObjectMember>
		<bldg:Building gml:id="bldg_20_wood">
			<bldg:usage codeSpace="../../codelists/Building_usage.xml">413</bldg:usage>
			<bldg:yearOfConstruction>2008</bldg:yearOfConstruction>
			<bldg:measuredHeight uom="m">8.1</bldg:measuredHeight>
			<bldg:storeysAboveGround>2</bldg:storeysAboveGround>
			<bldg:lod1Solid>
				<gml:Solid>
					<gml:exterior>
						<gml:CompositeSurface>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6991500 139.6362000 40.0 35.6991500 139.6363100 40.0 35.6992400 139.6363100 40.0 35.6992400 139.6362000 40.0 35.6991500 139.6362000 40.0</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6991500 139.6362000 40.0 35.6991500 139.6363100 40.0 35.6991500 139.6363100 48.1 35.6991500 139.6362000 48.1 35.6991500 139.6362000 40.0</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6991500 139.6363100 40.0 35.6992400 139.6363100 40.0 35.6992400 139.6363100 48.1 35.6991500 139.6363100 48.1 35.6991500 139.6363100 40.0</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6992400 139.6363100 40.0 35.6992400 139.6362000 40.0 35.6992400 139.6362000 48.1 35.6992400 139.6363100 48.1 35.6992400 139.6363100 40.0</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6992400 139.6362000 40.0 35.6991500 139.6362000 40.0 35.6991500 139.6362000 48.1 35.6992400 139.6362000 48.1 35.6992400 139.6362000 40.0</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6991500 139.6362000 48.1 35.6991500 139.6363100 48.1 35.6992400 139.6363100 48.1 35.6992400 139.6362000 48.1 35.6991500 139.6362000 48.1</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
						</gml:CompositeSurface>
					</gml:exterior>
				</gml:Solid>
			</bldg:lod1Solid>
			<uro:buildingIDAttribute>
				<uro:BuildingIDAttribute>
					<uro:buildingID>13115-bldg-102</uro:buildingID>
					<uro:prefecture codeSpace="../../codelists/Common_localPublicAuthorities.xml">13</uro:prefecture>
					<uro:city codeSpace="../../codelists/Common_localPublicAuthorities.xml">13115</uro:city>
				</uro:BuildingIDAttribute>
			</uro:buildingIDAttribute>
			<uro:buildingDetails>
				<uro:BuildingDetails>
					<uro:buildingStructureType codeSpace="../../codelists/BuildingDetails_buildingStructureType.xml">601</uro:buildingStructureType>
					<uro:fireproofStructureType codeSpace="../../codelists/BuildingDetails_fireproofStructureType.xml">1002</uro:fireproofStructureType>
					<uro:prefecture codeSpace="../../codelists/Common_prefecture.xml">13</uro:prefecture>
					<uro:city codeSpace="../../codelists/Common_localPublicAuthorities.xml">13115</uro:city>
				</uro:BuildingDetails>
			</uro:buildingDetails>
		</bldg:Building>
	</core:cityObjectMember>
</core:CityModel>
